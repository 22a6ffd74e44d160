"""Reads of the LRS's credentials."""

from rianru.lrs.models import Credential


def credentials_for_partner(*, partner) -> list[Credential]:
    return list(Credential.objects.filter(partner=partner).order_by("-created_at"))
