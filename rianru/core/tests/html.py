"""A small HTML tree with CSS selectors for page tests, on the standard library's html.parser.

    page = parse_response(response)
    page.select_one("h1").text          # 'Learning opportunities'
    [a.attrs["href"] for a in page.select("nav.site-nav a[aria-current=page]")]

Selectors: type, #id, .class, [attr], [attr=value], [attr^=value], [attr$=value], [attr*=value], with
descendant (space) and child (>) combinators, and groups separated by commas.
"""

import re
from html.parser import HTMLParser

from django.urls import reverse
from django.utils import translation

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TOKEN = re.compile(
    r"""\s*(?:(>)|([a-zA-Z][a-zA-Z0-9-]*|\*)?((?:[#.][-\w]+|\[[-\w]+(?:[\^$*]?=(?:"[^"]*"|'[^']*'|[^\]]*))?\])*))"""
)
_PART = re.compile(r"""([#.])([-\w]+)|\[([-\w]+)(?:([\^$*]?=)("[^"]*"|'[^']*'|[^\]]*))?\]""")


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Node | None" = None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    @property
    def text(self) -> str:
        """The text content, whitespace collapsed."""
        return " ".join("".join(self._texts()).split())

    def _texts(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child._texts()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def descendants(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.descendants()

    def select(self, selector: str) -> list["Node"]:
        found: list[Node] = []
        for group in selector.split(","):
            steps = _parse_selector(group)
            found.extend(n for n in self.descendants() if _matches_path(n, steps, self) and n not in found)
        order = {id(n): i for i, n in enumerate(self.descendants())}
        return sorted(found, key=lambda n: order[id(n)])

    def select_one(self, selector: str) -> "Node":
        found = self.select(selector)
        if not found:
            raise AssertionError(f"nothing matches {selector!r}")
        return found[0]

    def texts(self, selector: str) -> list[str]:
        return [node.text for node in self.select(selector)]


def _parse_selector(selector: str) -> list[tuple[str, str | None, list]]:
    """'ul.cards > li a[href]' -> [(combinator, tag, conditions), ...]."""
    steps, combinator, pos = [], " ", 0
    selector = selector.strip()
    while pos < len(selector):
        match = _TOKEN.match(selector, pos)
        if not match or match.end() == pos:
            raise ValueError(f"unsupported selector {selector!r}")
        pos = match.end()
        if match.group(1):
            combinator = ">"
            continue
        tag, rest = match.group(2), match.group(3) or ""
        conditions = []
        for kind, name, attr, op, value in _PART.findall(rest):
            if kind == "#":
                conditions.append(("id", name))
            elif kind == ".":
                conditions.append(("class", name))
            else:
                conditions.append(("attr", attr, op, value.strip("\"'") if op else None))
        steps.append((combinator, None if tag in (None, "*") else tag.lower(), conditions))
        combinator = " "
    return steps


def _matches_one(node: Node, tag, conditions) -> bool:
    if tag and node.tag != tag:
        return False
    for condition in conditions:
        if condition[0] == "id" and node.attrs.get("id") != condition[1]:
            return False
        if condition[0] == "class" and condition[1] not in node.classes:
            return False
        if condition[0] == "attr":
            _kind, name, op, value = condition
            actual = node.attrs.get(name)
            if actual is None:
                return False
            if (
                (op == "=" and actual != value)
                or (op == "^=" and not actual.startswith(value))
                or (op == "$=" and not actual.endswith(value))
                or (op == "*=" and value not in actual)
            ):
                return False
    return True


def _matches_path(node: Node, steps, root: Node) -> bool:
    *before, (combinator, tag, conditions) = steps
    if not _matches_one(node, tag, conditions):
        return False
    if not before:
        return True
    parent = node.parent
    if combinator == ">":
        return parent is not None and parent is not root.parent and _matches_path(parent, before, root)
    while parent is not None and parent is not root.parent:
        if _matches_path(parent, before, root):
            return True
        parent = parent.parent
    return False


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {name: value or "" for name, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {name: value or "" for name, value in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def parse_response(response) -> Node:
    return parse(response.content.decode(response.charset or "utf-8"))


LANGUAGES = ["th", "en"]


def url(name: str, language: str = "th", **kwargs) -> str:
    """reverse() in a language: Thai paths are unprefixed, English ones start with /en/."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def get_page(client, path: str, language: str, status: int = 200) -> Node:
    """GET a page, check its status and that it is in `language`, and parse it."""
    response = client.get(path)
    assert response.status_code == status
    page = parse_response(response)
    assert page.select_one("html").get("lang") == language
    return page
