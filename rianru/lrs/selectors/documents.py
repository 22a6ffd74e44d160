"""Reads of the State, Activity Profile and Agent Profile documents."""

from datetime import datetime

from rianru.lrs.models import Credential, Document


def document_get(*, credential: Credential, key: dict) -> Document | None:
    return Document.objects.filter(partner_id=credential.partner_id, **key).first()


def document_ids(*, credential: Credential, key: dict, since: datetime | None = None) -> list[str]:
    rows = Document.objects.filter(partner_id=credential.partner_id, **key)
    if since:
        rows = rows.filter(updated__gt=since)
    return list(rows.order_by("document_id").values_list("document_id", flat=True))


def agent_documents_count(*, city_id: int, agent_keys: set[str]) -> int:
    """How many State and Agent Profile documents of a city (any partner) belong to one of the agents."""
    return Document.objects.filter(
        city_id=city_id,
        kind__in=[Document.Kind.STATE, Document.Kind.AGENT_PROFILE],
        agent_key__in=sorted(set(agent_keys) - {""}),
    ).count()
