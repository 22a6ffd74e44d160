"""Well-known xAPI verbs (ADL and cmi5) with names in the site's languages, and how a verb is shown.

A statement's own `display` in the reader's language wins; else the name below, translated; else the
statement's display in any language; else the last part of the verb's IRI.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_CMI5 = "https://w3id.org/xapi/adl/verbs/"
VOIDED = ADL + "voided"

KNOWN_VERBS = {
    ADL + "answered": _("answered"),
    ADL + "asked": _("asked"),
    ADL + "attempted": _("attempted"),
    ADL + "attended": _("attended"),
    ADL + "commented": _("commented"),
    ADL + "completed": _("completed"),
    ADL + "exited": _("exited"),
    ADL + "experienced": _("experienced"),
    ADL + "failed": _("failed"),
    ADL + "imported": _("imported"),
    ADL + "initialized": _("initialized"),
    ADL + "interacted": _("interacted"),
    ADL + "launched": _("launched"),
    ADL + "mastered": _("mastered"),
    ADL + "passed": _("passed"),
    ADL + "preferred": _("preferred"),
    ADL + "progressed": _("progressed"),
    ADL + "registered": _("registered"),
    ADL + "responded": _("responded"),
    ADL + "resumed": _("resumed"),
    ADL + "scored": _("scored"),
    ADL + "shared": _("shared"),
    ADL + "suspended": _("suspended"),
    ADL + "terminated": _("terminated"),
    ADL + "voided": _("voided"),
    ADL_CMI5 + "abandoned": _("abandoned"),
    ADL_CMI5 + "satisfied": _("satisfied"),
    ADL_CMI5 + "waived": _("waived"),
}


def pick_language(language_map: dict | None, language: str | None = None) -> str:
    """The entry of an xAPI language map for a language ('th' matches 'th-TH'); '' if there is none."""
    if not language_map:
        return ""
    language = (language or get_language() or "th").lower()[:2]
    for tag, text in language_map.items():
        if tag.lower() == language or tag.lower().startswith(language + "-"):
            return text
    return ""


def any_language(language_map: dict | None) -> str:
    """English first, then whatever the map has."""
    if not language_map:
        return ""
    return (
        pick_language(language_map, "en")
        or pick_language(language_map, "und")
        or next(iter(language_map.values()))
    )


def verb_label(verb_id: str, display: dict | None = None, language: str | None = None) -> str:
    """How a verb reads in the current language."""
    return (
        pick_language(display, language)
        or (str(KNOWN_VERBS[verb_id]) if verb_id in KNOWN_VERBS else "")
        or any_language(display)
        or verb_id.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        or verb_id
    )
