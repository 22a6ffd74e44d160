"""A synthetic catalogue for benchmarks: N opportunities (and about N/100 learning spaces) for a demo city.

This is a benchmark tool, not a loader. It varies the city's demo programme templates
(`data/<city>/programmes.json`: titles combined with audiences, levels, places and communities, in Thai
and English) and writes them with `bulk_create` in batches, including the many-to-many rows. It
deliberately bypasses the catalogue services: no per-row validation queries, no audit trail, no signals,
so the search change log sees nothing and `rianru search rebuild` must follow. Every row is marked
`is_demo=True` and carries an external id `synthetic-<seed>-<n>` (spaces: `synthetic-<seed>-space-<n>`).

Runs add to what is there: a second run with the same seed continues the numbering. The same seed,
`today` and starting point give the same rows.
"""

import datetime as dt
import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.catalogue.services import space_is_accessible
from rianru.core.errors import ValidationFailed
from rianru.demo.errors import DemoDataInvalid, DemoDataMissing
from rianru.demo.services import DEFAULT_SEED
from rianru.frameworks.models import KflcItem, SdgGoal, SdgTarget
from rianru.network.models import City, Community, Partner, Sector

MAX_OPPORTUNITIES = 2_000_000
BATCH = 1000  # opportunities built and written at a time
DAYS_AHEAD = 120  # sessions fall within the next four months
# Around the city centre: ±0.06° latitude and ±0.07° longitude (for Khon Kaen 16.38–16.50 N, 102.77–102.91 E).
BOX = (0.06, 0.07)

# (Thai, English, life stages it adds, age range it sets or None)
AUDIENCES = (
    ("สำหรับผู้สูงอายุ", "for older people", ["older_people"], (60, None)),
    ("สำหรับเยาวชน", "for young people", ["school_age"], (12, 24)),
    ("สำหรับเด็กและผู้ปกครอง", "for children and parents", ["young_children", "working_age"], None),
    ("สำหรับครอบครัว", "for families", [], None),
    ("สำหรับคนทำงาน", "for working people", ["working_age"], (18, 60)),
    ("สำหรับผู้เริ่มต้น", "for beginners", [], None),
    ("สำหรับครูและบุคลากรทางการศึกษา", "for teachers and school staff", ["working_age"], (20, None)),
    ("สำหรับผู้พิการและผู้ดูแล", "for people with disabilities and carers", [], None),
    ("สำหรับนักศึกษา", "for university students", ["school_age", "working_age"], (17, 30)),
    ("สำหรับผู้ประกอบการรายย่อย", "for small business owners", ["working_age"], (18, None)),
    ("สำหรับอาสาสมัครชุมชน", "for community volunteers", [], (15, None)),
    ("สำหรับแรงงานข้ามชาติ", "for migrant workers", ["working_age"], (18, None)),
)
LEVELS = (
    ("ขั้นพื้นฐาน", "basics"),
    ("ขั้นกลาง", "intermediate"),
    ("ขั้นสูง", "advanced"),
    ("ฉบับเร่งรัด", "crash course"),
    ("ภาคปฏิบัติ", "hands-on"),
    ("ภาคค่ำ", "evening class"),
    ("วันหยุดสุดสัปดาห์", "weekend edition"),
)
SEASONS = (
    ("ช่วงฤดูร้อน", "(summer)"),
    ("ช่วงฤดูฝน", "(rainy season)"),
    ("ช่วงฤดูหนาว", "(cool season)"),
    ("ช่วงปิดภาคเรียน", "(school holidays)"),
)
MONTHS_TH = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
LANGUAGES = ("th", "th", "th_en", "en", "isan", "zh")

# Kind of a new learning space: weight, its owner's sector, and name patterns ({c}: the community).
SPACE_KINDS = {
    "community_learning_centre": (30, Sector.GOVERNMENT, (
        ("ศูนย์การเรียนรู้ชุมชน{c}", "{c} Community Learning Centre"),
        ("ลานเรียนรู้ชุมชน{c}", "{c} Community Learning Yard"),
        ("ศูนย์ผู้สูงวัยชุมชน{c}", "{c} Senior Citizens' Centre"),
    )),
    "private_venue": (15, Sector.PRIVATE, (
        ("ร้านกาแฟ{c}", "{c} Café"),
        ("โคเวิร์กกิ้งสเปซ{c}", "{c} Co-working Space"),
        ("ห้องประชุมโรงแรม{c}", "{c} Hotel Meeting Rooms"),
    )),
    "school": (12, Sector.EDUCATION, (
        ("โรงเรียนชุมชน{c}", "{c} Community School"),
        ("ศูนย์พัฒนาเด็กเล็ก{c}", "{c} Child Development Centre"),
    )),
    "library": (10, Sector.GOVERNMENT, (
        ("ห้องสมุดชุมชน{c}", "{c} Community Library"),
        ("บ้านหนังสือชุมชน{c}", "{c} Community Book House"),
    )),
    "park": (8, Sector.GOVERNMENT, (
        ("สวนสาธารณะชุมชน{c}", "{c} Community Park"),
        ("สวนสุขภาพ{c}", "{c} Health Park"),
    )),
    "temple": (8, Sector.CIVIL_SOCIETY, (("วัด{c}", "Wat {c}"), ("วัดป่า{c}", "Wat Pa {c}"))),
    "sports": (6, Sector.GOVERNMENT, (("ลานกีฬาชุมชน{c}", "{c} Community Sports Ground"),)),
    "university": (5, Sector.EDUCATION, (("ศูนย์บริการวิชาการ{c}", "{c} Academic Service Centre"),)),
    "museum": (4, Sector.CIVIL_SOCIETY, (("พิพิธภัณฑ์ชุมชน{c}", "{c} Community Museum"),)),
    "heritage": (2, Sector.GOVERNMENT, (("ย่านเก่า{c}", "{c} Old Quarter"),)),
}  # fmt: skip
OPENING_HOURS = (
    ("จันทร์–ศุกร์ 08:30–16:30 น.", "Mon–Fri 08:30–16:30"),
    ("ทุกวัน 09:00–18:00 น.", "Daily 09:00–18:00"),
    ("อังคาร–อาทิตย์ 10:00–19:00 น.", "Tue–Sun 10:00–19:00"),
    ("เสาร์–อาทิตย์ 08:00–17:00 น.", "Sat–Sun 08:00–17:00"),
    ("ทุกวัน 05:00–21:00 น.", "Daily 05:00–21:00"),
)


@dataclass
class SynthesisResult:
    city: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def synthesize(
    *,
    city_slug: str,
    opportunities: int,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    data_dir: Path | None = None,
) -> SynthesisResult:
    """Add `opportunities` synthetic opportunities (with sessions) and about N/100 spaces to a demo city."""
    if not 1 <= opportunities <= MAX_OPPORTUNITIES:
        raise ValidationFailed(
            _("The number of opportunities must be between 1 and %(max)s.") % {"max": MAX_OPPORTUNITIES}
        )
    city = City.objects.filter(slug=city_slug).first()
    if city is None or not Partner.objects.filter(city=city).exists():
        raise DemoDataMissing(
            _("The city “%(slug)s” has no demo data: run `rianru demo load --city %(slug)s` first.")
            % {"slug": city_slug}
        )
    path = Path(data_dir or settings.RIANRU_DEMO_DIR) / city_slug / "programmes.json"
    if not path.is_file():
        raise DemoDataMissing(_("Demo file %(path)s is missing.") % {"path": path})
    try:
        templates = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DemoDataInvalid(path, str(exc)) from None
    started = time.perf_counter()
    with transaction.atomic():
        synthesizer = _Synthesizer(city, templates, seed=seed, today=today)
        counts = synthesizer.run(opportunities)
    _analyze([Opportunity, Session, LearningSpace, *(through for through, *_ in synthesizer.links.values())])
    return SynthesisResult(city=city.slug, counts=counts, seconds=time.perf_counter() - started)


def _analyze(models) -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would gather them a little later.

    Without them PostgreSQL still believes the tables hold a handful of rows and picks nested loops that
    take minutes at 100,000 opportunities (and some servers run with autovacuum off).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


class _Synthesizer:
    def __init__(self, city: City, templates: list[dict], *, seed: int, today: dt.date | None):
        self.city = city
        self.templates = templates
        self.seed = seed
        self.tz = ZoneInfo(city.time_zone or "Asia/Bangkok")
        self.today = today or timezone.localdate(timezone=self.tz)
        self.prefix = f"synthetic-{seed}-"
        self.partners = list(Partner.objects.filter(city=city).order_by("pk"))
        self.partner_by_slug = {p.slug: p for p in self.partners}
        self.by_sector = defaultdict(list)
        for partner in self.partners:
            self.by_sector[partner.sector].append(partner)
        self.communities = list(Community.objects.filter(city=city).select_related("zone").order_by("pk"))
        self.life_stages = set(LifeStage.objects.values_list("code", flat=True))
        self.topics = dict(Topic.objects.values_list("slug", "pk"))
        self.goals = set(SdgGoal.objects.values_list("number", flat=True))
        self.targets = set(SdgTarget.objects.values_list("code", flat=True))
        self.features = set(
            KflcItem.objects.filter(level=KflcItem.Level.FEATURE).values_list("code", flat=True)
        )
        self.links = {
            name: (
                Opportunity._meta.get_field(name).remote_field.through,
                Opportunity._meta.get_field(name).m2m_field_name(),
                Opportunity._meta.get_field(name).m2m_reverse_field_name(),
            )
            for name in ("life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features")
        }

    def _rng(self, what: str, start: int) -> random.Random:
        return random.Random(f"{self.seed}:{self.city.slug}:{what}:{start}")  # noqa: S311 - not security

    def run(self, n: int) -> dict[str, int]:
        counts = {"spaces": self._spaces(math.ceil(n / 100))}
        self.spaces = list(LearningSpace.objects.filter(city=self.city).select_related("community"))
        self.spaces_by_kind = defaultdict(list)
        for space in self.spaces:
            self.spaces_by_kind[space.kind].append(space)
        start = Opportunity.objects.filter(city=self.city, external_id__startswith=self.prefix).count()
        self.rng = self._rng("opportunities", start)
        counts |= {"opportunities": 0, "sessions": 0, "links": 0}
        for offset in range(0, n, BATCH):
            numbers = range(start + offset + 1, start + min(offset + BATCH, n) + 1)
            written = self._batch(numbers)
            for name, value in written.items():
                counts[name] += value
        return counts

    # Learning spaces ---------------------------------------------------------------------------

    def _centres(self) -> dict[int, tuple[float, float]]:
        """Where each community is: the mean point of its existing learning spaces."""
        points = defaultdict(list)
        for community_id, lat, lon in LearningSpace.objects.filter(
            city=self.city, community__isnull=False
        ).values_list("community_id", "latitude", "longitude"):
            points[community_id].append((float(lat), float(lon)))
        return {k: (sum(p[0] for p in v) / len(v), sum(p[1] for p in v) / len(v)) for k, v in points.items()}

    def _spaces(self, count: int) -> int:
        start = LearningSpace.objects.filter(city=self.city, external_id__startswith=self.prefix).count()
        rng = self._rng("spaces", start)
        centres = self._centres()
        lat0, lon0 = float(self.city.latitude), float(self.city.longitude)
        kinds = list(SPACE_KINDS)
        weights = [SPACE_KINDS[k][0] for k in kinds]
        names_used = set(LearningSpace.objects.filter(city=self.city).values_list("name_en", flat=True))
        spaces = []
        for number in range(start + 1, start + count + 1):
            kind = rng.choices(kinds, weights)[0]
            _weight, sector, patterns = SPACE_KINDS[kind]
            community = rng.choice(self.communities) if self.communities else None
            pattern_th, pattern_en = rng.choice(patterns)
            place_th = community.name_th if community else self.city.name_th
            place_en = community.name_en if community else self.city.name_en
            name_th, name_en = pattern_th.format(c=place_th), pattern_en.format(c=place_en)
            if name_en in names_used:
                name_th, name_en = f"{name_th} แห่งที่ {number}", f"{name_en} ({number})"
            names_used.add(name_en)
            centre = centres.get(community.pk) if community else None
            if centre:
                lat, lon = centre[0] + rng.uniform(-0.006, 0.006), centre[1] + rng.uniform(-0.006, 0.006)
            else:
                lat, lon = lat0 + rng.uniform(-BOX[0], BOX[0]), lon0 + rng.uniform(-BOX[1], BOX[1])
            lat = min(max(lat, lat0 - BOX[0]), lat0 + BOX[0])
            lon = min(max(lon, lon0 - BOX[1]), lon0 + BOX[1])
            access = rng.sample(list(LearningSpace.Access.values), rng.randint(0, 4))
            hours_th, hours_en = rng.choice(OPENING_HOURS)
            spaces.append(
                LearningSpace(
                    city=self.city,
                    slug=f"{slugify(name_en)[:90] or kind}-s{self.seed}-{number}",
                    external_id=f"{self.prefix}space-{number}",
                    name_th=name_th,
                    name_en=name_en,
                    kind=kind,
                    description_th=_space_description_th(kind, name_th, place_th),
                    description_en=_space_description_en(kind, name_en, place_en),
                    owner=rng.choice(self.by_sector.get(sector) or self.partners),
                    zone=community.zone if community else None,
                    community=community,
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                    address_th=f"ชุมชน{place_th} {self.city.name_th}",
                    address_en=f"{place_en} community, {self.city.name_en}",
                    opening_hours_th=hours_th,
                    opening_hours_en=hours_en,
                    facilities=rng.sample(list(LearningSpace.Facility.values), rng.randint(2, 6)),
                    accessibility=access,
                    is_accessible=space_is_accessible(access),
                    is_demo=True,
                )
            )
        LearningSpace.objects.bulk_create(spaces, batch_size=500)
        return len(spaces)

    # Opportunities, sessions and their links ---------------------------------------------------

    def _batch(self, numbers: range) -> dict[str, int]:
        rng = self.rng
        rows, plans = [], []
        for number in numbers:
            template = rng.choice(self.templates)
            opportunity, plan = self._opportunity(template, number)
            rows.append(opportunity)
            plans.append(plan)
        Opportunity.objects.bulk_create(rows, batch_size=500)
        links = defaultdict(list)
        sessions = []
        for opportunity, plan in zip(rows, plans, strict=True):
            for name, values in plan["links"].items():
                through, source, target = self.links[name]
                links[name] += [
                    through(**{f"{source}_id": opportunity.pk, f"{target}_id": v}) for v in values
                ]
            sessions += self._sessions(opportunity, plan)
        n_links = 0
        for name, objects in links.items():
            self.links[name][0].objects.bulk_create(objects, batch_size=1000)
            n_links += len(objects)
        Session.objects.bulk_create(sessions, batch_size=500)
        return {"opportunities": len(rows), "sessions": len(sessions), "links": n_links}

    def _provider(self, template: dict) -> Partner:
        named = [self.partner_by_slug[s] for s in template.get("providers", []) if s in self.partner_by_slug]
        if named and self.rng.random() < 0.6:
            return self.rng.choice(named)
        return self.rng.choice(self.partners)

    def _space(self, template: dict, mode: str) -> LearningSpace | None:
        if mode == Opportunity.Mode.ONLINE or not self.spaces:
            return None
        kinds = [k for k in template.get("space_kinds") or [] if self.spaces_by_kind.get(k)]
        return self.rng.choice(self.spaces_by_kind[self.rng.choice(kinds)] if kinds else self.spaces)

    def _opportunity(self, template: dict, number: int) -> tuple[Opportunity, dict]:
        rng = self.rng
        mode = template["mode"]
        if template.get("sessions") and rng.random() < 0.12:
            mode = rng.choice([m for m in Opportunity.Mode.values if m != mode])
        space = self._space(template, mode)
        community = space.community if space and space.community_id else None
        # More first sessions soon than later; up to 3 weekly repeats still end within DAYS_AHEAD.
        first_day = self.today + dt.timedelta(days=int(rng.triangular(0, DAYS_AHEAD - 21, 0)))
        life_stages = set(template.get("life_stages") or [])
        age = (template.get("age_min"), template.get("age_max"))

        # Titles: the template's, with one or two of audience, level, place, community, season, cohort.
        title_th, title_en = template["title_th"], template["title_en"]
        extras_th, extras_en = [], []
        audiences = [a for a in AUDIENCES if not a[2] or set(a[2]) & life_stages]
        choices = (
            ["level", "season", "month"]
            + (["audience"] if audiences and "สำหรับ" not in template["title_th"] else [])
            + (["place"] if space else ["online"])
        )
        choices += ["community"] if community else []
        choices += ["cohort"] if template["kind"] == "course" else []
        for part in rng.sample(choices, rng.choice((1, 1, 2))):
            if part == "audience":
                th, en, stages, ages = rng.choice(audiences)
                life_stages |= set(stages)
                age = _narrower(age, ages)
            elif part == "level":
                th, en = rng.choice(LEVELS)
            elif part == "season":
                th, en = rng.choice(SEASONS)
            elif part == "month":
                th, en = f"เดือน{MONTHS_TH[first_day.month - 1]}", f"in {MONTHS_EN[first_day.month - 1]}"
            elif part == "place":
                th, en = f"ณ {space.name_th}", f"at {space.name_en}"
            elif part == "online":
                th, en = "ฉบับออนไลน์", "(online)"
            elif part == "community":
                th, en = f"ชุมชน{community.name_th}", f"in {community.name_en}"
            else:
                k = rng.randint(2, 30)
                th, en = f"รุ่นที่ {k}", f"(cohort {k})"
            extras_th.append(th)
            extras_en.append(en)
        title_th = " ".join([title_th, *extras_th])[:300]
        title_en = " ".join([title_en, *extras_en])[:300]

        provider = self._provider(template)
        price = Decimal(str(template.get("price_thb") or 0))
        if price and rng.random() < 0.15:
            price = Decimal(0)
        elif price:
            price = Decimal(int(price * Decimal(rng.choice(("0.5", "1", "1", "1.5", "2"))) / 10) * 10)
        elif rng.random() < 0.1:
            price = Decimal(rng.randrange(100, 1500, 50))
        hours = template.get("hours")
        if hours:
            hours = Decimal(str(hours)) * Decimal(rng.choice(("0.5", "1", "1", "1", "2")))
        certificate = bool(template.get("certificate"))
        if rng.random() < 0.1:
            certificate = not certificate
        language = template.get("language", "th") if rng.random() < 0.85 else rng.choice(LANGUAGES)
        status = rng.choices(Opportunity.Status.values, (2, 97, 1))[0]
        age_min, age_max = age

        topics = list(template.get("topics") or [])
        goals = list(template.get("sdg_goals") or [])
        if rng.random() < 0.2:
            topics.append(rng.choice(list(self.topics)))
        if rng.random() < 0.15:
            goals.append(rng.randint(1, 17))
        description_th, description_en = (
            template.get("description_th", ""),
            template.get("description_en", ""),
        )
        where_th = f"ที่{space.name_th}" if space else "ทางออนไลน์"
        where_en = f"at {space.name_en}" if space else "online"
        description_th += f" จัดโดย{provider.name_th} {where_th}"
        description_en += f" Organised by {provider.name_en} {where_en}."
        if community:
            description_th += f" ชุมชน{community.name_th} {community.zone.name_th}"
            description_en += f" In the {community.name_en} community, {community.zone.name_en}."
        opportunity = Opportunity(
            city=self.city,
            slug=f"{slugify(template['title_en'])[:130] or template['kind']}-s{self.seed}-{number}",
            external_id=f"{self.prefix}{number}",
            provider=provider,
            kind=template["kind"],
            title_th=title_th,
            title_en=title_en,
            summary_th=template.get("summary_th", ""),
            summary_en=template.get("summary_en", ""),
            description_th=description_th,
            description_en=description_en,
            mode=mode,
            price_thb=price,
            is_free=not price,  # bulk_create skips Opportunity.save()
            has_certificate=certificate,
            hours=hours,
            language=language,
            age_min=age_min,
            age_max=age_max,
            url=provider.website,
            status=status,
            is_demo=True,
        )
        plan = {
            "space": space,
            "first_day": first_day,
            "sessions": template.get("sessions"),
            "links": {
                "life_stages": sorted(life_stages & self.life_stages),
                "topics": sorted({self.topics[t] for t in topics if t in self.topics}),
                "sdg_goals": sorted(set(goals) & self.goals),
                "sdg_targets": sorted(set(template.get("sdg_targets") or []) & self.targets),
                "kflc_features": sorted(set(template.get("kflc") or []) & self.features),
            },
        }
        return opportunity, plan

    def _sessions(self, opportunity: Opportunity, plan: dict) -> list[Session]:
        spec = plan["sessions"]
        if not spec:
            return []
        rng = self.rng
        low, high = spec.get("count", [1, 1])
        count = min(4, rng.randint(max(1, low), max(1, low, high)))
        weekdays = spec.get("weekdays") or list(range(7))
        capacity = rng.randint(*spec.get("capacity", [20, 30]))
        start_hour = rng.choice(spec.get("start_hours") or [9])
        duration = dt.timedelta(hours=float(spec.get("duration_hours", 3)))
        online = opportunity.mode == Opportunity.Mode.ONLINE
        space = None if online else plan["space"]
        day = plan["first_day"]
        if rng.random() < 0.15:  # registration not open yet
            opens_day = max(self.today + dt.timedelta(days=1), day - dt.timedelta(days=14))
        else:
            opens_day = self.today - dt.timedelta(days=rng.randint(0, 21))
        opens = dt.datetime.combine(opens_day, dt.time(8), self.tz)
        sessions = []
        for _index in range(count):
            while day.weekday() not in weekdays:
                day += dt.timedelta(days=1)
            starts = dt.datetime.combine(day, dt.time(start_hour), self.tz)
            sessions.append(
                Session(
                    city=self.city,
                    opportunity=opportunity,
                    starts_at=starts,
                    ends_at=starts + duration,
                    space=space,
                    place_th="ออนไลน์" if online else "",
                    place_en="Online" if online else "",
                    capacity=capacity,
                    registration_opens_at=opens,
                    registration_closes_at=max(opens, starts - dt.timedelta(days=1)),
                )
            )
            day += dt.timedelta(days=7)
        return sessions


def _narrower(age: tuple, audience: tuple | None) -> tuple:
    """The template's age range narrowed by an audience's; the template's if they do not overlap."""
    if audience is None:
        return age
    lows = [a for a in (age[0], audience[0]) if a is not None]
    low = max(lows) if lows else None
    highs = [a for a in (age[1], audience[1]) if a is not None]
    high = min(highs) if highs else None
    return age if low is not None and high is not None and low > high else (low, high)


SPACE_TEXT = {
    "community_learning_centre": (
        "พื้นที่เรียนรู้ของชุมชน{c} มีกิจกรรมฝึกอาชีพ ชมรมผู้สูงอายุ และมุมอ่านหนังสือสำหรับเด็ก",
        (
            "The {c} community's learning place, with job-skills classes, an older people's club "
            "and a reading corner for children."
        ),
    ),
    "library": (
        "ห้องสมุดใกล้บ้านของชุมชน{c} ยืมหนังสือได้ฟรี มีอินเทอร์เน็ตและกิจกรรมเล่านิทานทุกสัปดาห์",
        "A neighbourhood library for {c}: free loans, internet access and a weekly story hour.",
    ),
    "park": (
        "สวนสาธารณะของชุมชน{c} มีลานออกกำลังกาย ทางเดิน และพื้นที่จัดกิจกรรมกลางแจ้ง",
        "The {c} community park, with an exercise area, walking paths and space for outdoor activities.",
    ),
    "temple": (
        "วัดประจำชุมชน{c} เปิดศาลาให้ใช้จัดกิจกรรมเรียนรู้ ฝึกสมาธิ และสืบสานประเพณีท้องถิ่น",
        "The temple of the {c} community, whose hall hosts learning, meditation and local traditions.",
    ),
}
SPACE_TEXT_DEFAULT = (
    "{n} เปิดพื้นที่ให้ภาคีเครือข่ายเมืองแห่งการเรียนรู้จัดกิจกรรมสำหรับคนในชุมชน{c}และผู้สนใจทั่วไป",
    (
        "{n} opens its space to the learning-city partners for activities for the {c} community "
        "and everyone else."
    ),
)


def _space_description_th(kind: str, name: str, place: str) -> str:
    return SPACE_TEXT.get(kind, SPACE_TEXT_DEFAULT)[0].format(c=place, n=name)


def _space_description_en(kind: str, name: str, place: str) -> str:
    return SPACE_TEXT.get(kind, SPACE_TEXT_DEFAULT)[1].format(c=place, n=name)
