"""Load the demo cities (Khon Kaen, Yala) from the data files in rianru/demo/data/.

Deterministic: the same seed and the same `today` give the same rows. Sessions are placed over the
coming months counted from `today`, so a demo loaded on any day shows what's on. Loading a city replaces
its previous catalogue and network rows (the City row itself is kept and updated).
"""

import csv
import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rianru.catalogue.models import LearningSpace, Opportunity, Session, Topic
from rianru.catalogue.services import opportunity_create, session_create, space_create
from rianru.demo.errors import DemoDataInvalid, DemoDataMissing
from rianru.frameworks.models import KflcItem, ReferenceDataset, SdgGoal
from rianru.frameworks.services import reference_load
from rianru.network.models import (
    City,
    Commitment,
    Community,
    ContributedResource,
    Mou,
    MouSignatory,
    Partner,
    PartnerContact,
    Zone,
)
from rianru.network.services import mou_create, mou_sign, partner_create

DEFAULT_SEED = 2567
CITY_FILES = ("city.json", "partners.csv", "spaces.csv", "programmes.json")
COMMITMENTS_FILE = Path(__file__).resolve().parent / "commitments.json"


@dataclass
class DemoLoadResult:
    city: str
    counts: dict[str, int] = field(default_factory=dict)


def demo_city_slugs(data_dir: Path | None = None) -> list[str]:
    data_dir = Path(data_dir or settings.RIANRU_DEMO_DIR)
    if not data_dir.is_dir():
        raise DemoDataMissing(_("The demo data folder %(path)s does not exist.") % {"path": data_dir})
    return sorted(p.name for p in data_dir.iterdir() if (p / "city.json").is_file())


def demo_load(
    *,
    city_slug: str | None = None,
    today: dt.date | None = None,
    seed: int = DEFAULT_SEED,
    data_dir: Path | None = None,
) -> list[DemoLoadResult]:
    """Load one demo city, or all of them; returns the counts written per city."""
    data_dir = Path(data_dir or settings.RIANRU_DEMO_DIR)
    slugs = demo_city_slugs(data_dir)
    if city_slug:
        if city_slug not in slugs:
            raise DemoDataMissing(
                _("There is no demo data for the city “%(slug)s” in %(path)s (available: %(available)s).")
                % {"slug": city_slug, "path": data_dir, "available": ", ".join(slugs) or "-"}
            )
        slugs = [city_slug]
    if not ReferenceDataset.objects.exists():
        reference_load()
    commitments = _read_json(COMMITMENTS_FILE)
    results = []
    for slug in slugs:
        city_dir = data_dir / slug
        files = {name: _read_file(city_dir / name) for name in CITY_FILES}
        topics = [
            topic
            for folder in (data_dir, city_dir)
            if (folder / "topics.json").is_file()
            for topic in _read_json(folder / "topics.json")
        ]
        results.append(_CityLoader(files, topics, commitments, today=today, seed=seed).load())
    return results


def _read_file(path: Path):
    return _read_json(path) if path.suffix == ".json" else _read_csv(path)


def _read_json(path: Path):
    if not path.is_file():
        raise DemoDataMissing(_("Demo file %(path)s is missing.") % {"path": path})
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DemoDataInvalid(path, str(exc)) from None


def _read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        raise DemoDataMissing(_("Demo file %(path)s is missing.") % {"path": path})
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DemoDataInvalid(path, str(exc)) from None


def _flag(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes")


def _decimal(value) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _texts(row: dict, *names: str) -> dict[str, str]:
    """The text columns `names` of a CSV row or JSON object ("" when absent)."""
    return {name: row.get(name) or "" for name in names}


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(";") if c.strip()]


class _CityLoader:
    def __init__(self, files: dict, topics: list, commitments: dict, *, today: dt.date | None, seed: int):
        self.files = files
        self.topics = topics
        self.commitments = commitments
        self.city_data = files["city.json"]
        self.tz = ZoneInfo(self.city_data.get("time_zone", "Asia/Bangkok"))
        self.today = today or timezone.localdate(timezone=self.tz)
        self.rng = random.Random(f"{seed}:{self.city_data['slug']}")  # noqa: S311 - demo data, not security

    @transaction.atomic
    def load(self) -> DemoLoadResult:
        self.city = self._city()
        self._clear()
        self._topics()
        self.zones, self.communities = self._zones()
        self.partners = self._partners()
        self.spaces = self._spaces()
        mous = self._mous()
        self._commitments(mous)
        opportunities, sessions = self._opportunities()
        return DemoLoadResult(
            city=self.city.slug,
            counts={
                "zones": len(self.zones),
                "communities": len(self.communities),
                "partners": len(self.partners),
                "spaces": len(self.spaces),
                "mous": len(mous),
                "opportunities": opportunities,
                "sessions": sessions,
            },
        )

    def _city(self) -> City:
        data = self.city_data
        city = City.objects.filter(slug=data["slug"]).first() or City(slug=data["slug"])
        fields: dict[str, object] = {}
        fields |= _texts(
            data, "name_th", "name_en", "country", "time_zone", "population_jurisdiction_th",
            "population_jurisdiction_en", "description_th", "description_en", "website",
        )  # fmt: skip
        fields.update(
            population=data.get("population"),
            population_year=data.get("population_year"),
            area_km2=_decimal(data.get("area_km2")),
            gnlc_member_since=dt.date.fromisoformat(data["gnlc_member_since"])
            if data.get("gnlc_member_since")
            else None,
            latitude=_decimal(data["latitude"]),
            longitude=_decimal(data["longitude"]),
            is_demo=_flag(data.get("is_demo", False)),
        )
        for name, value in fields.items():
            setattr(city, name, value)
        city.full_clean()
        city.save()
        return city

    def _clear(self) -> None:
        """Remove the city's previous demo rows, children first (PROTECT foreign keys)."""
        children_first = (
            Session, Opportunity, LearningSpace, ContributedResource, Commitment, Mou, PartnerContact,
            Partner, Community, Zone,
        )  # fmt: skip
        for model in children_first:
            model.objects.filter(city=self.city).delete()

    def _topics(self) -> None:
        for topic in self.topics:
            Topic.objects.update_or_create(
                slug=topic["slug"], defaults={"name_th": topic["name_th"], "name_en": topic["name_en"]}
            )

    def _zones(self) -> tuple[dict[int, Zone], dict[str, Community]]:
        zones, communities = {}, {}
        for zone_data in self.city_data.get("zones", []):
            zone = Zone.objects.create(
                city=self.city,
                number=zone_data["number"],
                name_th=zone_data["name_th"],
                name_en=zone_data["name_en"],
            )
            zones[zone.number] = zone
            Community.objects.bulk_create(
                Community(
                    city=self.city, zone=zone, slug=c["slug"], name_th=c["name_th"], name_en=c["name_en"]
                )
                for c in zone_data.get("communities", [])
            )
        for community in Community.objects.filter(city=self.city):
            communities[community.slug] = community
        return zones, communities

    def _zone(self, value) -> Zone | None:
        return self.zones.get(int(value)) if str(value).strip() else None

    def _partners(self) -> dict[str, Partner]:
        partners = {}
        for row in self.files["partners.csv"]:
            partner = partner_create(
                actor=None,
                city=self.city,
                sector=row["sector"],
                **_texts(
                    row,
                    "slug",
                    "name_th",
                    "name_en",
                    "short_name_en",
                    "description_th",
                    "description_en",
                    "website",
                    "email",
                    "phone",
                    "address_th",
                    "address_en",
                ),  # fmt: skip
                latitude=_decimal(row.get("latitude")),
                longitude=_decimal(row.get("longitude")),
                zone=self._zone(row.get("zone", "")),
                is_demo=_flag(row.get("is_demo")),
            )
            if row.get("contact_name_th"):
                PartnerContact.objects.create(
                    city=self.city,
                    partner=partner,
                    name=row["contact_name_th"],
                    role_th=row.get("contact_role_th", ""),
                    role_en=row.get("contact_role_en", ""),
                )
            partners[partner.slug] = partner
        return partners

    def _spaces(self) -> dict[str, LearningSpace]:
        spaces = {}
        for row in self.files["spaces.csv"]:
            space = space_create(
                actor=None,
                city=self.city,
                kind=row["kind"],
                owner=self.partners[row["owner"]],
                zone=self._zone(row.get("zone", "")),
                community=self.communities.get(row.get("community", "")),
                latitude=_decimal(row["latitude"]),
                longitude=_decimal(row["longitude"]),
                facilities=_codes(row.get("facilities", "")),
                accessibility=_codes(row.get("accessibility", "")),
                **_texts(
                    row,
                    "slug",
                    "name_th",
                    "name_en",
                    "address_th",
                    "address_en",
                    "opening_hours_th",
                    "opening_hours_en",
                    "description_th",
                    "description_en",
                ),  # fmt: skip
                is_demo=_flag(row.get("is_demo")),
            )
            spaces[space.slug] = space
        return spaces

    def _mous(self) -> list[Mou]:
        mous = []
        for data in self.city_data.get("mous", []):
            mou = mou_create(
                actor=None,
                city=self.city,
                slug=data["slug"],
                title_th=data["title_th"],
                title_en=data["title_en"],
                signed_on=dt.date.fromisoformat(data["signed_on"]),
                sdg_goals=data.get("sdg_goals", []),
                **_texts(data, "description_th", "description_en", "venue_th", "venue_en"),
                is_demo=_flag(data.get("is_demo", False)),
            )
            mou_sign(actor=None, mou=mou, partners=[self.partners[s] for s in data.get("signatories", [])])
            mous.append(mou)
        return mous

    def _commitments(self, mous: list[Mou]) -> None:
        """Demo commitments: each signatory of the newest MOU commits to one sector-typical action."""
        if not mous:
            return
        mou = max(mous, key=lambda m: m.signed_on)
        goals = {g.number: g for g in SdgGoal.objects.all()}
        features = {k.code: k for k in KflcItem.objects.filter(level=KflcItem.Level.FEATURE)}
        resource_kinds = self.commitments["resources"]
        signatories = MouSignatory.objects.filter(mou=mou).select_related("partner").order_by("position")
        for partner in (row.partner for row in signatories):
            template = self.rng.choice(self.commitments[partner.sector])
            commitment = Commitment.objects.create(
                city=self.city,
                partner=partner,
                mou=mou,
                title_th=template["title_th"],
                title_en=template["title_en"],
                due_on=dt.date(mou.signed_on.year + 3, 9, 30),
                status=self.rng.choice(list(Commitment.Status.values)),
                is_demo=True,
            )
            commitment.sdg_goals.set([goals[n] for n in template["sdg_goals"] if n in goals])
            commitment.kflc_features.set([features[c] for c in template["kflc"] if c in features])
            kind = template["resource"]
            spec = resource_kinds[kind]
            quantity = self.rng.randint(*spec["quantity"]) if spec["quantity"][1] else None
            value = (
                self.rng.randrange(spec["value"][0], spec["value"][1] + 1, 5000) if spec["value"][1] else None
            )
            ContributedResource.objects.create(
                city=self.city,
                partner=partner,
                commitment=commitment,
                kind=kind,
                description_th=spec["th"],
                description_en=spec["en"],
                quantity=quantity,
                unit_th=spec["unit_th"],
                unit_en=spec["unit_en"],
                value_thb=value,
                is_demo=True,
            )

    # Opportunities and sessions -------------------------------------------------------------

    def _opportunities(self) -> tuple[int, int]:
        templates = self.files["programmes.json"]
        target = int(self.city_data.get("opportunity_target", 2 * len(templates)))
        instances = [1] * len(templates)
        repeatable = [i for i, t in enumerate(templates) if t.get("sessions")]
        while repeatable and sum(instances) < target:
            i = self.rng.choice(repeatable)
            if instances[i] < 4:
                instances[i] += 1
        used_slugs: set[str] = set()
        n_opportunities = n_sessions = 0
        for template, count in zip(templates, instances, strict=True):
            for k in range(1, count + 1):
                n_sessions += self._opportunity(template, k, used_slugs)
                n_opportunities += 1
        return n_opportunities, n_sessions

    def _pick_space(self, template: dict) -> LearningSpace | None:
        kinds = template.get("space_kinds") or []
        candidates = [s for s in self.spaces.values() if s.kind in kinds] or list(self.spaces.values())
        return self.rng.choice(candidates) if candidates and template.get("mode") != "online" else None

    def _opportunity(self, template: dict, k: int, used_slugs: set[str]) -> int:
        providers = [self.partners[p] for p in template["providers"]]
        provider = providers[(k - 1) % len(providers)]
        space = self._pick_space(template)
        title_th, title_en = template["title_th"], template["title_en"]
        if k > 1 and template["kind"] == "course":
            title_th = f"{title_th} รุ่นที่ {k}"
            title_en = f"{title_en} (cohort {k})"
        elif k > 1 and space is not None:
            title_th = f"{title_th} ณ {space.name_th}"
            title_en = f"{title_en} at {space.name_en}"
        slug = base = slugify(title_en)[:150] or template["key"]
        n = 2
        while slug in used_slugs:
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(slug)
        price = Decimal(str(template.get("price_thb") or 0))
        opportunity = opportunity_create(
            actor=None,
            city=self.city,
            slug=slug,
            provider=provider,
            kind=template["kind"],
            title_th=title_th,
            title_en=title_en,
            **_texts(template, "summary_th", "summary_en", "description_th", "description_en"),
            mode=template["mode"],
            price_thb=price,
            has_certificate=bool(template.get("certificate")),
            hours=_decimal(template.get("hours")),
            language=template.get("language", "th"),
            age_min=template.get("age_min"),
            age_max=template.get("age_max"),
            url=provider.website,
            is_demo=True,
            life_stages=template.get("life_stages", []),
            topics=template.get("topics", []),
            sdg_goals=template.get("sdg_goals", []),
            sdg_targets=template.get("sdg_targets", []),
            kflc_features=template.get("kflc", []),
        )
        return self._sessions(opportunity, template, space)

    def _sessions(self, opportunity: Opportunity, template: dict, space: LearningSpace | None) -> int:
        spec = template.get("sessions")
        if not spec:
            return 0
        count = self.rng.randint(*spec.get("count", [1, 1]))
        weekdays = spec.get("weekdays") or list(range(7))
        # More first sessions soon than later: the demo always has a busy week ahead.
        day = self.today + dt.timedelta(days=int(self.rng.triangular(0, 120, 0)))
        capacity = self.rng.randint(*spec.get("capacity", [20, 30]))
        start_hour = self.rng.choice(spec.get("start_hours") or [9])
        duration = dt.timedelta(hours=float(spec.get("duration_hours", 3)))
        opens = dt.datetime.combine(
            self.today - dt.timedelta(days=self.rng.randint(0, 21)), dt.time(8), self.tz
        )
        written = 0
        for _index in range(count):
            while day.weekday() not in weekdays:
                day += dt.timedelta(days=1)
            starts = dt.datetime.combine(day, dt.time(start_hour), self.tz)
            closes = max(opens, starts - dt.timedelta(days=1))
            online = opportunity.mode == Opportunity.Mode.ONLINE
            session_create(
                actor=None,
                opportunity=opportunity,
                starts_at=starts,
                ends_at=starts + duration,
                space=None if online else space,
                place_th="ออนไลน์" if online else "",
                place_en="Online" if online else "",
                capacity=capacity,
                registration_opens_at=opens,
                registration_closes_at=closes,
            )
            written += 1
            day += dt.timedelta(days=7)
        return written
