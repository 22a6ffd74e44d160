"""Did you mean: a corrected query when nothing matches (the other keyboard layout, then each unknown word
replaced by the nearest indexed word)."""

import re
from dataclasses import replace

import tantivy

from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.network.models import City, Partner
from rianru.search import text
from rianru.search.documents import BODY_DESCRIPTION_CHARS, parse_key
from rianru.search.index import SCHEMA
from rianru.search.query import SearchParams, run

MAX_CORRECTED_WORDS = 6


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _known(searcher, token: str) -> bool:
    return searcher.doc_freq("title", token) > 0 or searcher.doc_freq("body", token) > 0


def _fuzzy_documents(searcher, term: str, distance: int) -> list[tuple[str, int]]:
    fields = ("title", "body", "surface") if term.isascii() else ("title", "body")
    query = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.fuzzy_term_query(SCHEMA, name, term, distance, True))
            for name in fields
        ]
    )
    return [
        parse_key(searcher.doc(address)["key"][0])
        for _score, address in searcher.search(query, 5, count=False).hits
    ]


def _surface_words(document_text: str) -> set[str]:
    """The words of a text as a reader would type them: Thai words as segmented, Latin words whole
    (index tokens of English are stems, which must not be offered as a correction)."""
    normal = text.normalize(document_text)
    latin = set(re.findall(r"[a-z]+", normal))
    return latin | {token for token in text.index_tokens(document_text) if not token.isascii()}


def _correct_word(searcher, word: str) -> str | None:
    """The nearest word of the indexed documents to a misspelt one (edit distance 1 or 2), or None.
    tantivy finds documents holding a near term; their text gives the word to offer."""
    normal = text.normalize(word)
    distance = 1 if len(normal) <= 4 else 2
    terms = {normal, *(t for t in text.query_tokens(word) if not _known(searcher, t))}
    found: set[tuple[str, int]] = set()
    for term in terms:
        found.update(_fuzzy_documents(searcher, term, distance))
    best = None
    for kind, pk in found:
        for candidate in _surface_words(_document_text(kind, pk)):
            if abs(len(candidate) - len(normal)) > distance or candidate == normal:
                continue
            d = edit_distance(normal, candidate)
            if d <= distance and (best is None or (d, candidate) < best):
                best = (d, candidate)
    return best[1] if best else None


def _document_text(kind: str, pk: int) -> str:
    """What a document was indexed from (as `documents` builds it, without related rows)."""
    if kind == "opportunity":
        fields = ("title_th", "title_en", "summary_th", "summary_en", "description_th", "description_en")
        row = Opportunity.objects.filter(pk=pk).values_list(*fields)
    elif kind == "space":
        fields = ("name_th", "name_en", "address_th", "address_en", "description_th", "description_en")
        row = LearningSpace.objects.filter(pk=pk).values_list(*fields)
    else:
        row = Partner.objects.filter(pk=pk).values_list(
            "name_th", "name_en", "short_name_en", "description_en"
        )
    return " ".join(part[:BODY_DESCRIPTION_CHARS] for part in (row.first() or ()) if part)


def suggest(searcher, params: SearchParams, city: City, tokens: list[str]) -> str | None:
    """A corrected query: the other keyboard layout if that finds something, else the query with each
    unknown word replaced by the nearest known one (None if no word could be corrected)."""
    first_page = replace(params, page=1)
    swapped = text.keyboard_swap(params.q)
    if swapped:
        swapped_tokens = text.query_tokens(swapped)
        if swapped_tokens and run(searcher, first_page, city, swapped_tokens)[1]:
            return swapped
    words, changed = params.q.split()[:MAX_CORRECTED_WORDS], False
    for position, word in enumerate(words):
        if all(_known(searcher, token) for token in text.query_tokens(word)):
            continue
        corrected = _correct_word(searcher, word)
        if corrected:
            words[position], changed = corrected, True
    if changed:
        return " ".join(words)
    return None
