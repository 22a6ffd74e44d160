"""Hooks the apps above the LRS listen to (the LRS itself imports none of them).

`statements_stored` is sent once per stored batch, after its transaction commits, with the statements
that were new (a statement sent again is not in it): keyword arguments `city_id`, `partner_id`,
`credential_id` and `statements` (the stored statement dicts, with `id`, `stored` and `authority`).
Receivers run in the request that stored the batch: keep them quick and never let them raise.
"""

from django.dispatch import Signal

statements_stored = Signal()
