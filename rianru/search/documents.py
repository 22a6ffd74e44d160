"""What goes into the search index for each opportunity, learning space and partner.

Rows are read in batches with `values()` (no model instances), so a rebuild of 100,000 opportunities
stays a handful of queries per thousand documents.
"""

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import tantivy
from django.db.models import Q

from rianru.catalogue.models import LearningSpace, Opportunity, Session
from rianru.frameworks.models import KflcItem
from rianru.network.models import Partner
from rianru.search import text

BATCH = 2000
# How much of a description is indexed: titles and summaries carry the signal, the long tail only cost.
BODY_DESCRIPTION_CHARS = 600
# How much of a description a result shows when there is no summary.
CARD_TEXT_CHARS = 300


def key(kind: str, pk: int) -> str:
    return f"{kind[0]}:{pk}"


def parse_key(value: str) -> tuple[str, int]:
    prefix, _sep, pk = value.partition(":")
    return {"o": "opportunity", "s": "space", "p": "partner"}[prefix], int(pk)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _day(value: dt.datetime) -> dt.datetime:
    value = value.astimezone(dt.UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)


@dataclass
class Doc:
    key: str
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    facets: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    space_ids: set[int] = field(default_factory=set)
    age_min: int = 0
    age_max: int = 200
    session_days: set[dt.datetime] = field(default_factory=set)
    next_start: dt.datetime | None = None
    card: dict = field(default_factory=dict)  # what a result shows, stored in the index (rianru.search.cards)

    def texts(self) -> tuple[str, str]:
        return " ".join(part for part in self.title if part), " ".join(part for part in self.body if part)

    def ready(self) -> "Ready":
        """Segmented and reduced to plain values: cheap to pickle from a worker process."""
        title, body = self.texts()
        return (
            self.key,
            " ".join(text.index_tokens(title)),
            " ".join(text.index_tokens(body)),
            " ".join(latin_words(title + " " + " ".join(self.body[:2]))),
            {name: list(values) for name, values in self.facets.items()},
            sorted(self.space_ids),
            self.age_min,
            self.age_max,
            sorted(self.session_days),
            self.next_start,
            json.dumps(self.card, ensure_ascii=False, default=str, separators=(",", ":")).encode(),
        )

    def to_tantivy(self) -> tantivy.Document:
        return ready_to_tantivy(self.ready())


# (key, title tokens, body tokens, surface words, facets, space ids, age min, age max, days, next start, card)
Ready = tuple


def ready_to_tantivy(ready: Ready) -> tantivy.Document:
    key_, title, body, surface, facets, space_ids, age_min, age_max, days, next_start, card = ready
    doc = tantivy.Document()
    doc.add_bytes("card", card)
    doc.add_text("key", key_)
    doc.add_text("title", title)
    doc.add_text("body", body)
    doc.add_text("surface", surface)
    for name, values in facets.items():
        for value in values:
            doc.add_text(name, value)
    for space_id in space_ids:
        doc.add_text("space_ids", str(space_id))
    doc.add_integer("age_min", age_min)
    doc.add_integer("age_max", age_max)
    for day in days:
        doc.add_date("session_days", day)
    if next_start is not None:
        doc.add_date("next_start", next_start)
    return doc


LATIN_WORD = re.compile(r"[a-z]{3,}")


def latin_words(value: str) -> set[str]:
    return set(LATIN_WORD.findall(value.lower()))


def build_ready(kind: str, ids: list[int], now: dt.datetime) -> list[Ready]:
    """The documents of these rows, ready to add (a process pool runs this during a rebuild)."""
    return [doc.ready() for _pk, doc in BUILDERS[kind](ids, now) if doc is not None]


def chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _space_facts(space_ids: Iterable[int]) -> dict[int, dict]:
    rows = LearningSpace.objects.filter(pk__in=set(space_ids)).order_by().values(
        "pk", "name_th", "name_en", "is_accessible", "zone__number", "community__slug",
        "community__name_th", "community__name_en", "zone__name_th", "zone__name_en",
    )  # fmt: skip
    return {row["pk"]: row for row in rows}


def _among(ids: list[int], field_name: str = "pk") -> Q:
    """`field_name` is one of these ids. A rebuild's chunks are dense runs of ids: for them a range is
    much cheaper to build and run than an IN list of thousands; callers ignore the extra rows."""
    if ids:
        low, high = min(ids), max(ids)
        if high - low < 2 * len(ids):
            # A foreign key has no range lookup: go through the target's pk (Django trims the join).
            ranged = field_name.removesuffix("_id") + "__pk" if field_name.endswith("_id") else field_name
            return Q(**{f"{ranged}__range": (low, high)})
    return Q(**{f"{field_name}__in": ids})


def _m2m(model_field: str, ids: list[int], target: str) -> dict[int, list]:
    through = Opportunity._meta.get_field(model_field).remote_field.through
    out = defaultdict(list)
    for opportunity_id, value in (
        through.objects.filter(_among(ids, "opportunity_id")).order_by().values_list("opportunity_id", target)
    ):
        out[opportunity_id].append(value)
    return out


def opportunity_docs(ids: list[int], now: dt.datetime) -> Iterator[tuple[int, Doc | None]]:
    """(pk, document) per id; None for an id that is gone or not public (it leaves the index)."""
    feature_parent = dict(
        KflcItem.objects.filter(level=KflcItem.Level.FEATURE).values_list("code", "parent_id")
    )
    for chunk in chunks(sorted(ids)):
        rows = {
            row["pk"]: row
            for row in Opportunity.objects.filter(_among(chunk), status=Opportunity.Status.PUBLISHED)
            .order_by()
            .values(
                "pk",
                "city__slug",
                "kind",
                "title_th",
                "title_en",
                "summary_th",
                "summary_en",
                "description_th",
                "description_en",
                "mode",
                "language",
                "is_free",
                "has_certificate",
                "age_min",
                "age_max",
                "slug",
                "external_id",
                "price_thb",
                "is_demo",
                "provider__slug",
                "provider__sector",
                "provider__name_th",
                "provider__name_en",
                "provider__short_name_en",
            )  # fmt: skip
        }
        present = sorted(rows)
        life_stages = _m2m("life_stages", present, "lifestage_id")
        goals = _m2m("sdg_goals", present, "sdggoal_id")
        features = _m2m("kflc_features", present, "kflcitem_id")
        topics = _m2m("topics", present, "topic__name_th")
        topics_en = _m2m("topics", present, "topic__name_en")
        in_chunk = _among(present, "opportunity_id")
        with_sessions = set(
            Session.objects.filter(in_chunk).order_by().values_list("opportunity_id", flat=True).distinct()
        )
        sessions = defaultdict(list)  # only the upcoming ones: past and cancelled sessions show nothing
        for session in Session.objects.filter(
            in_chunk, ends_at__gte=now, is_cancelled=False
        ).order_by().values(
            "opportunity_id", "starts_at", "space_id", "place_th", "place_en",
            "registration_opens_at", "registration_closes_at",
        ):  # fmt: skip
            sessions[session["opportunity_id"]].append(session)
        spaces = _space_facts(s["space_id"] for rows_ in sessions.values() for s in rows_ if s["space_id"])
        for pk in chunk:
            row = rows.get(pk)
            if row is None:
                yield pk, None
                continue
            yield pk, _opportunity_doc(row, life_stages, goals, features, topics, topics_en, sessions,
                                       pk in with_sessions, spaces, feature_parent, now)  # fmt: skip


def _opportunity_doc(
    row, life_stages, goals, features, topics, topics_en, sessions, any_session, spaces, feature_parent, now
):
    pk = row["pk"]
    doc = Doc(key=key("opportunity", pk))
    doc.title = [row["title_th"], row["title_en"]]
    doc.body = [
        row["summary_th"], row["summary_en"],
        row["description_th"][:BODY_DESCRIPTION_CHARS], row["description_en"][:BODY_DESCRIPTION_CHARS],
        row["provider__name_th"], row["provider__name_en"], row["provider__short_name_en"],
        *topics.get(pk, []), *topics_en.get(pk, []),
    ]  # fmt: skip
    facets = doc.facets
    facets["type"].add("opportunity")
    facets["city"].add(row["city__slug"])
    facets["kind"].add(row["kind"])
    facets["mode"].add(row["mode"])
    facets["language"].add(row["language"])
    facets["partner"].add(row["provider__slug"])
    facets["sector"].add(row["provider__sector"])
    facets["free"].add(_bool(row["is_free"]))
    facets["certificate"].add(_bool(row["has_certificate"]))
    facets["life_stage"].update(life_stages.get(pk, []))
    facets["sdg"].update(str(goal) for goal in goals.get(pk, []))
    facets["kflc"].update(feature_parent[code] for code in features.get(pk, []) if feature_parent.get(code))
    doc.age_min = row["age_min"] if row["age_min"] is not None else 0
    doc.age_max = row["age_max"] if row["age_max"] is not None else 200
    upcoming = sessions.get(pk, [])
    accessible = False
    for session in upcoming:
        doc.session_days.add(_day(session["starts_at"]))
        space = spaces.get(session["space_id"])
        if space:
            doc.space_ids.add(space["pk"])
            accessible = accessible or space["is_accessible"]
            if space["zone__number"] is not None:
                facets["zone"].add(str(space["zone__number"]))
            if space["community__slug"]:
                facets["community"].add(space["community__slug"])
            doc.body += [space["name_th"], space["name_en"], space["community__name_th"] or "",
                         space["community__name_en"] or "", space["zone__name_th"] or "",
                         space["zone__name_en"] or ""]  # fmt: skip
        else:
            doc.body += [session["place_th"], session["place_en"]]
    facets["accessible"].add(_bool(accessible))
    doc.next_start = min((s["starts_at"] for s in upcoming), default=None)
    live = bool(upcoming) or (row["kind"] == Opportunity.Kind.ONLINE_RESOURCE and not any_session)
    facets["live"].add(_bool(live))
    facets["open_now"].add(_bool(any(_registration_open(s, now) for s in upcoming)))
    doc.card = {
        "city": row["city__slug"], "slug": row["slug"], "external_id": row["external_id"],
        "kind": row["kind"], "title_th": row["title_th"], "title_en": row["title_en"],
        "summary_th": row["summary_th"] or row["description_th"][:CARD_TEXT_CHARS],
        "summary_en": row["summary_en"] or row["description_en"][:CARD_TEXT_CHARS],
        "mode": row["mode"], "is_free": row["is_free"], "price_thb": str(row["price_thb"]),
        "has_certificate": row["has_certificate"], "is_demo": row["is_demo"], "next_start": doc.next_start,
        "provider": row["provider__slug"], "sector": row["provider__sector"],
        "provider_th": row["provider__name_th"], "provider_en": row["provider__name_en"],
    }  # fmt: skip
    return doc


def _registration_open(session: dict, now: dt.datetime) -> bool:
    opens = session["registration_opens_at"]
    closes = session["registration_closes_at"] or session["starts_at"]
    return (opens is None or opens <= now) and now <= closes


def space_docs(ids: list[int], now: dt.datetime) -> Iterator[tuple[int, Doc | None]]:
    for chunk in chunks(ids):
        rows = {
            row["pk"]: row
            for row in LearningSpace.objects.filter(_among(chunk))
            .order_by()
            .values(
                "pk",
                "city__slug",
                "kind",
                "slug",
                "external_id",
                "is_demo",
                "name_th",
                "name_en",
                "description_th",
                "description_en",
                "address_th",
                "address_en",
                "is_accessible",
                "zone__number",
                "zone__name_th",
                "zone__name_en",
                "community__slug",
                "community__name_th",
                "community__name_en",
                "owner__slug",
                "owner__sector",
                "owner__name_th",
                "owner__name_en",
            )  # fmt: skip
        }
        upcoming = set(
            Session.objects.filter(space_id__in=list(rows), is_cancelled=False, ends_at__gte=now)
            .values_list("space_id", flat=True)
            .distinct()
        )
        for pk in chunk:
            row = rows.get(pk)
            if row is None:
                yield pk, None
                continue
            doc = Doc(key=key("space", pk))
            doc.title = [row["name_th"], row["name_en"]]
            doc.body = [
                row["description_th"][:BODY_DESCRIPTION_CHARS],
                row["description_en"][:BODY_DESCRIPTION_CHARS],
                row["address_th"], row["address_en"], row["zone__name_th"] or "", row["zone__name_en"] or "",
                row["community__name_th"] or "", row["community__name_en"] or "",
                row["owner__name_th"], row["owner__name_en"],
            ]  # fmt: skip
            facets = doc.facets
            facets["type"].add("space")
            facets["city"].add(row["city__slug"])
            facets["kind"].add(row["kind"])
            facets["partner"].add(row["owner__slug"])
            facets["sector"].add(row["owner__sector"])
            facets["accessible"].add(_bool(row["is_accessible"]))
            facets["live"].add("true")
            facets["open_now"].add(_bool(pk in upcoming))
            if row["zone__number"] is not None:
                facets["zone"].add(str(row["zone__number"]))
            if row["community__slug"]:
                facets["community"].add(row["community__slug"])
            doc.space_ids.add(pk)
            doc.card = {
                "city": row["city__slug"], "slug": row["slug"], "external_id": row["external_id"],
                "kind": row["kind"], "title_th": row["name_th"], "title_en": row["name_en"],
                "summary_th": row["description_th"][:CARD_TEXT_CHARS],
                "summary_en": row["description_en"][:CARD_TEXT_CHARS],
                "address_th": row["address_th"], "address_en": row["address_en"], "is_demo": row["is_demo"],
                "provider": row["owner__slug"], "sector": row["owner__sector"],
                "provider_th": row["owner__name_th"], "provider_en": row["owner__name_en"],
            }  # fmt: skip
            yield pk, doc


def partner_docs(ids: list[int], now: dt.datetime) -> Iterator[tuple[int, Doc | None]]:
    for chunk in chunks(ids):
        rows = {
            row["pk"]: row
            for row in Partner.objects.filter(_among(chunk), is_active=True)
            .order_by()
            .values(
                "pk",
                "city__slug",
                "slug",
                "name_th",
                "name_en",
                "short_name_en",
                "sector",
                "is_demo",
                "description_th",
                "description_en",
                "address_th",
                "address_en",
                "zone__number",
            )  # fmt: skip
        }
        for pk in chunk:
            row = rows.get(pk)
            if row is None:
                yield pk, None
                continue
            doc = Doc(key=key("partner", pk))
            doc.title = [row["name_th"], row["name_en"], row["short_name_en"]]
            doc.body = [
                row["description_th"][:BODY_DESCRIPTION_CHARS],
                row["description_en"][:BODY_DESCRIPTION_CHARS],
                row["address_th"], row["address_en"],
            ]  # fmt: skip
            facets = doc.facets
            facets["type"].add("partner")
            facets["city"].add(row["city__slug"])
            facets["partner"].add(row["slug"])
            facets["sector"].add(row["sector"])
            facets["live"].add("true")
            if row["zone__number"] is not None:
                facets["zone"].add(str(row["zone__number"]))
            doc.card = {
                "city": row["city__slug"], "slug": row["slug"], "external_id": "", "kind": "",
                "title_th": row["name_th"], "title_en": row["name_en"],
                "summary_th": row["description_th"][:CARD_TEXT_CHARS],
                "summary_en": row["description_en"][:CARD_TEXT_CHARS],
                "address_th": row["address_th"], "address_en": row["address_en"], "is_demo": row["is_demo"],
                "provider": row["slug"], "sector": row["sector"],
            }  # fmt: skip
            yield pk, doc


BUILDERS = {"opportunity": opportunity_docs, "space": space_docs, "partner": partner_docs}


def all_ids(kind: str, city_slug: str | None = None) -> list[int]:
    model = {"opportunity": Opportunity, "space": LearningSpace, "partner": Partner}[kind]
    rows = model.objects.all()
    if city_slug:
        rows = rows.filter(city__slug=city_slug)
    if kind == "opportunity":
        rows = rows.filter(status=Opportunity.Status.PUBLISHED)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def dependants(kind: str, pk: int) -> dict[str, set[int]]:
    """Documents that show something of this row besides its own: a partner's name is in its
    opportunities and spaces, a space's name, zone and access in the opportunities held there."""
    out: dict[str, set[int]] = defaultdict(set)
    out[kind].add(pk)
    if kind == "partner":
        out["opportunity"].update(Opportunity.objects.filter(provider_id=pk).values_list("pk", flat=True))
        out["space"].update(LearningSpace.objects.filter(owner_id=pk).values_list("pk", flat=True))
    elif kind == "space":
        out["opportunity"].update(
            Session.objects.filter(space_id=pk).values_list("opportunity_id", flat=True).distinct()
        )
    return out


def time_boundary_opportunities(since: dt.datetime, until: dt.datetime) -> set[int]:
    """Opportunities whose time-dependent fields (live, open now, next session, session days) changed
    between two instants because a registration window opened or closed or a session started or ended."""
    crossed = (
        Q(registration_opens_at__gt=since, registration_opens_at__lte=until)
        | Q(registration_closes_at__gt=since, registration_closes_at__lte=until)
        | Q(starts_at__gt=since, starts_at__lte=until)
        | Q(ends_at__gt=since, ends_at__lte=until)
    )
    return set(Session.objects.filter(crossed).values_list("opportunity_id", flat=True).distinct())


def time_boundary_spaces(since: dt.datetime, until: dt.datetime) -> set[int]:
    return set(
        Session.objects.filter(ends_at__gt=since, ends_at__lte=until, space__isnull=False)
        .values_list("space_id", flat=True)
        .distinct()
    )
