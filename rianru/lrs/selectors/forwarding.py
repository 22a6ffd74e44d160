"""Reads of forwarding: every target's statements still to send and statements refused."""

from dataclasses import dataclass

from rianru.lrs.models import Forwarding, ForwardingRejection, Statement
from rianru.network.models import City


@dataclass
class Status:
    forwarding: Forwarding
    pending: int
    rejected: int


def forwarding_status(*, city: City | None = None) -> list[Status]:
    rows = Forwarding.objects.select_related("city").order_by("city__slug", "pk")
    if city is not None:
        rows = rows.filter(city=city)
    return [
        Status(
            forwarding=forwarding,
            pending=Statement.objects.filter(city_id=forwarding.city_id, pk__gt=forwarding.cursor).count(),
            rejected=ForwardingRejection.objects.filter(forwarding=forwarding).count(),
        )
        for forwarding in rows
    ]
