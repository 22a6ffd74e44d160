"""The values each facet allows and their labels, cached per city and language."""

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity
from rianru.frameworks.models import KflcItem, SdgGoal
from rianru.network.models import City, Community, Partner, Sector, Zone

CACHE_SECONDS = 60


def cache_keys(city_id: int) -> list[str]:
    """What is cached per city: rows of this process are forgotten on a write, other workers' expire."""
    return [f"search:choices:{city_id}:th", f"search:choices:{city_id}:en", f"search:space-points:{city_id}"]


def value_labels(city: City) -> dict[str, dict[str, str]]:
    """{parameter: {value: label in the active language}}."""
    language = "en" if (translation.get_language() or "th")[:2] == "en" else "th"
    cache_key = f"search:choices:{city.pk}:{language}"
    found = cache.get(cache_key)
    if found is not None:
        return found
    kinds = {**dict(Opportunity.Kind.choices), **dict(LearningSpace.Kind.choices)}
    choices = {
        "type": {
            "opportunity": _("Learning opportunities"),
            "space": _("Learning spaces"),
            "partner": _("Partner organisations"),
        },
        "kind": {k: str(v) for k, v in kinds.items()},
        "life_stage": {s.code: s.name for s in LifeStage.objects.order_by("position")},
        "sdg": {
            str(g.number): f"{g.number}. {g.localized('name')}" for g in SdgGoal.objects.order_by("number")
        },
        "kflc": {
            k.code: f"{k.code} {k.localized('title')}"
            for k in KflcItem.objects.filter(level=KflcItem.Level.SUB_AREA).order_by("code")
        },
        "partner": {
            p.slug: p.name for p in Partner.objects.filter(city=city).only("slug", "name_th", "name_en")
        },
        "sector": {k: str(v) for k, v in Sector.choices},
        "zone": {str(z.number): z.name for z in Zone.objects.filter(city=city)},
        "community": {c.slug: c.name for c in Community.objects.filter(city=city)},
        "mode": {k: str(v) for k, v in Opportunity.Mode.choices},
        "language": {k: str(v) for k, v in Opportunity.Language.choices},
    }
    cache.set(cache_key, choices, CACHE_SECONDS)
    return choices


def allowed_values(city: City) -> dict[str, set[str]]:
    return {name: set(values) for name, values in value_labels(city).items()}


FLAG_LABELS = {
    "free": lambda: _("Free"),
    "certificate": lambda: _("With a certificate"),
    "open_now": lambda: _("Open for registration now"),
    "accessible": lambda: _("Step-free venue"),
}
