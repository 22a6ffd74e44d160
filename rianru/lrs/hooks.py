"""Hooks the apps above the LRS use (the LRS itself imports none of them).

`statements_stored` is sent once per stored batch, after its transaction commits, with the statements
that were new (a statement sent again is not in it): keyword arguments `city_id`, `partner_id`,
`credential_id` and `statements` (the stored statement dicts, with `id`, `stored` and `authority`).
Receivers run in the request that stored the batch: keep them quick and never let them raise.

`register_activity_resolver`: an app above the LRS turns its own activity references into activity IRIs
for the CSV upload (the catalogue resolves opportunity ids, external ids and slugs).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.dispatch import Signal

from rianru.network.models import City

statements_stored = Signal()


@dataclass
class ResolvedActivity:
    iri: str
    definition: dict = field(default_factory=dict)


ActivityResolver = Callable[[City, str], ResolvedActivity | None]
_resolvers: list[ActivityResolver] = []


def register_activity_resolver(resolver: ActivityResolver) -> None:
    """An app above the LRS turns its own activity references (e.g. an opportunity's id) into IRIs."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def activity_resolve(city: City, reference: str) -> ResolvedActivity | None:
    """The first registered resolver's answer for a reference, None if no resolver knows it."""
    for resolver in _resolvers:
        resolved = resolver(city, reference)
        if resolved is not None:
            return resolved
    return None
