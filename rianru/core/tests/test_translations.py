"""The Thai catalogue is complete and compiled: no page shows an English-only message."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "th" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="th")


def test_every_message_has_a_thai_translation():
    missing = [
        m.id for m in _catalog() if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert missing == []


def test_no_translation_is_marked_fuzzy():
    assert [m.id for m in _catalog() if m.id and m.fuzzy] == []


def test_placeholders_are_kept_in_thai():
    problems = []
    for message in _catalog():
        if not message.id or not message.python_format:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source in ids[:1]:
            for target in strings:
                names = sorted(part.split(")")[0] for part in source.split("%(")[1:])
                if names != sorted(part.split(")")[0] for part in target.split("%(")[1:]):
                    problems.append(source)
    assert problems == []


def _plain(value):
    return value if isinstance(value, str) else tuple(value)


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    source = {_plain(m.id): _plain(m.string) for m in _catalog() if m.id and not m.fuzzy}
    assert compiled == source, "run `make messages` to recompile locale/th/LC_MESSAGES/django.mo"
