"""A search result as stored in the index: enough to show it (page or API) without the database.

`Card` answers the few attributes the result templates use, in the active language, like the model
it stands for (`title`, `get_absolute_url()`, `get_kind_display()` …).
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation

from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.network.models import Sector

URL_NAMES = {
    "opportunity": "catalogue:opportunity_detail",
    "space": "catalogue:space_detail",
    "partner": "web:partner_detail",
}
KIND_LABELS = {**dict(Opportunity.Kind.choices), **dict(LearningSpace.Kind.choices)}


def _english() -> bool:
    return (translation.get_language() or "th")[:2] == "en"


class Card:
    def __init__(self, type_: str, pk: int, data: dict):
        self.type, self.pk, self.data = type_, pk, data
        self.slug = data["slug"]
        self.external_id = data.get("external_id") or ""
        self.kind = data.get("kind", "")
        self.mode = data.get("mode", "")
        self.is_free = data.get("is_free")
        self.is_demo = data.get("is_demo", False)
        self.has_certificate = data.get("has_certificate", False)
        price = data.get("price_thb")
        self.price_thb = Decimal(price) if price is not None else None
        start = data.get("next_start")
        self.next_session_at = dt.datetime.fromisoformat(start) if start else None
        self.sector = data.get("sector", "")

    def _local(self, name: str) -> str:
        return (self.data.get(f"{name}_en") if _english() else "") or self.data.get(f"{name}_th", "")

    @property
    def title(self) -> str:
        return self._local("title")

    name = title

    @property
    def title_th(self) -> str:
        return self.data["title_th"]

    @property
    def title_en(self) -> str:
        return self.data["title_en"]

    @property
    def summary(self) -> str:
        return self._local("summary")

    description = summary

    @property
    def address(self) -> str:
        return self._local("address")

    @property
    def provider(self) -> SimpleNamespace:
        return SimpleNamespace(
            slug=self.data.get("provider", ""), sector=self.sector, name=self._local("provider")
        )

    owner = provider

    def get_absolute_url(self) -> str:
        return reverse(URL_NAMES[self.type], kwargs={"city": self.data["city"], "slug": self.slug})

    def get_kind_display(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    def get_mode_display(self) -> str:
        return str(dict(Opportunity.Mode.choices).get(self.mode, self.mode))

    def get_sector_display(self) -> str:
        return str(dict(Sector.choices).get(self.sector, self.sector))
