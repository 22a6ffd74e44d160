"""The two CSV files of the open catalogue: spaces (one row per space) and opportunities (one row per
session, the opportunity's columns repeated on each of its rows; one row with empty session columns for
an opportunity without sessions). Columns are documented in docs/catalogue-format.md.

Lists are separated by `|`; booleans are `true`/`false`; dates and times are ISO 8601 (a year from 2400
is read as Buddhist era); UTF-8, with or without a byte-order mark.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from rianru.catalogue.interchange.records import (
    LIST_SEPARATOR,
    OpportunityRecord,
    ParsedFile,
    Problem,
    SessionRecord,
    SpaceRecord,
    ValueParser,
    own_id,
    parse_own_id,
)
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.core.errors import ValidationFailed
from rianru.core.tabular import column_problems, csv_records

SPACE_COLUMNS = [
    "external_id", "slug", "kind", "name_th", "name_en", "description_th", "description_en", "owner", "zone",
    "community", "latitude", "longitude", "address_th", "address_en", "opening_hours_th", "opening_hours_en",
    "facilities", "accessibility", "website", "phone",
]  # fmt: skip
SPACE_REQUIRED = {"external_id", "kind", "name_th", "name_en", "owner", "latitude", "longitude"}

OPPORTUNITY_COLUMNS = [
    "external_id", "slug", "kind", "title_th", "title_en", "summary_th", "summary_en", "description_th",
    "description_en", "provider", "mode", "price_thb", "has_certificate", "hours", "language", "age_min",
    "age_max", "life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features", "url",
    "registration_url",
]  # fmt: skip
SESSION_COLUMNS = [
    "session_starts_at", "session_ends_at", "session_space", "session_place_th", "session_place_en",
    "session_online_url", "session_capacity", "session_registration_opens_at",
    "session_registration_closes_at", "session_cancelled",
]  # fmt: skip
OPPORTUNITY_REQUIRED = {"external_id", "kind", "title_th", "title_en", "provider", "mode"}
KINDS = {"spaces": SPACE_COLUMNS, "opportunities": OPPORTUNITY_COLUMNS + SESSION_COLUMNS}
KIND_NAMES = {"spaces": lambda: _("learning spaces"), "opportunities": lambda: _("learning opportunities")}
NUMERIC = {
    "latitude",
    "longitude",
    "zone",
    "price_thb",
    "hours",
    "age_min",
    "age_max",
    "sdg_goals",
    "session_capacity",
}
SPACE_RELATIONS = {"owner", "zone", "community"}
OPPORTUNITY_RELATIONS = {"provider", "life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- Writing --------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write() returns what it was given (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def _excel_safe(column: str, text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote text cells with an apostrophe."""
    if column not in NUMERIC and text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_rows(columns: list[str], rows: Iterable[dict], *, excel: bool = False) -> Iterator[str]:
    """The CSV text, one chunk per row (a header first; a byte-order mark first for Excel)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" if excel else "") + writer.writerow(columns)
    for row in rows:
        cells = [_cell(row.get(column)) for column in columns]
        if excel:
            cells = [_excel_safe(column, cell) for column, cell in zip(columns, cells, strict=True)]
        yield writer.writerow(cells)


def _local(value: dt.datetime | None, time_zone) -> str:
    return value.astimezone(time_zone).isoformat() if value else ""


def space_row(space, *, city_slug: str) -> dict:
    return {
        **{name: getattr(space, name) for name in SPACE_COLUMNS if name not in SPACE_RELATIONS},
        "external_id": space.external_id or own_id(city_slug, "space", space.slug),
        "owner": space.owner.slug,
        "zone": space.zone.number if space.zone_id else None,
        "community": space.community.slug if space.community_id else None,
    }  # fmt: skip


def opportunity_rows(opportunity, *, city_slug: str, time_zone) -> Iterator[dict]:
    common = {
        **{
            name: getattr(opportunity, name)
            for name in OPPORTUNITY_COLUMNS
            if name not in OPPORTUNITY_RELATIONS
        },
        "external_id": opportunity.external_id or own_id(city_slug, "opportunity", opportunity.slug),
        "provider": opportunity.provider.slug,
        "life_stages": [stage.code for stage in opportunity.life_stages.all()],
        "topics": [topic.slug for topic in opportunity.topics.all()],
        "sdg_goals": [goal.number for goal in opportunity.sdg_goals.all()],
        "sdg_targets": [target.code for target in opportunity.sdg_targets.all()],
        "kflc_features": [item.code for item in opportunity.kflc_features.all()],
    }
    sessions = list(opportunity.sessions.all())
    if not sessions:
        yield common
    for session in sessions:
        space = session.space
        yield {
            **common,
            "session_starts_at": _local(session.starts_at, time_zone),
            "session_ends_at": _local(session.ends_at, time_zone),
            "session_space": (space.external_id or own_id(city_slug, "space", space.slug)) if space else "",
            "session_place_th": session.place_th,
            "session_place_en": session.place_en,
            "session_online_url": session.online_url,
            "session_capacity": session.capacity,
            "session_registration_opens_at": _local(session.registration_opens_at, time_zone),
            "session_registration_closes_at": _local(session.registration_closes_at, time_zone),
            "session_cancelled": session.is_cancelled,
        }


# --- Reading --------------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    """Undo the apostrophe an Excel-safe export put before a formula-like cell."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of every non-empty record, Excel-safe quotes undone."""
    for line, cells in csv_records(text):
        yield line, [_unquote(cell) for cell in cells]


def _header(cells: list[str]) -> tuple[str, list[str]]:
    columns = [cell.strip().lower() for cell in cells]
    kind = "opportunities" if "title_th" in columns else "spaces" if "name_th" in columns else None
    if kind is None:
        raise ValidationFailed(
            _(
                "The first line must name the columns: a spaces file has name_th, "
                "an opportunities file title_th (see docs/catalogue-format.md)."
            ),
            code="malformed_file",
        )
    known, required = KINDS[kind], SPACE_REQUIRED if kind == "spaces" else OPPORTUNITY_REQUIRED
    details = column_problems(columns, known=known, required=required)
    if details:
        raise ValidationFailed(
            _("The columns do not fit a file of %(kind)s (%(details)s).")
            % {"kind": KIND_NAMES[kind](), "details": "; ".join(details)},
            code="malformed_file",
            extra={"expected": known},
        )
    return kind, columns


def _read_space(values: dict, line: int, time_zone) -> SpaceRecord:
    record = SpaceRecord(
        where={"line": line}, names={"external_id": "external_id", "identifier": "external_id"}
    )
    p = ValueParser(record, time_zone)
    record.identifier = p.text("external_id", values.get("external_id"))
    if not record.identifier:
        record.problem("external_id", _("A stable identifier is required (external_id)."))
    own = parse_own_id(record.identifier, "space")
    record.slug = p.text("slug", values.get("slug")) or (own[1] if own else "")
    for name in ("name_th", "name_en"):
        record.fields[name] = p.text(name, values.get(name), required=True)
    for name in ("description_th", "description_en", "address_th", "address_en", "opening_hours_th",
                 "opening_hours_en", "website", "phone"):  # fmt: skip
        record.fields[name] = p.text(name, values.get(name))
    record.fields["kind"] = p.choice("kind", values.get("kind"), LearningSpace.Kind.values)
    for name in ("latitude", "longitude"):
        if not (values.get(name) or "").strip():
            record.problem(name, _("This field is required."))
        record.fields[name] = p.decimal(name, values.get(name))
    record.fields["facilities"] = p.codes("facilities", values.get("facilities"))
    record.fields["accessibility"] = p.codes("accessibility", values.get("accessibility"))
    record.owner = p.text("owner", values.get("owner"), required=True)
    record.zone = p.integer("zone", values.get("zone"), minimum=1)
    record.community = p.text("community", values.get("community"))
    return record


def _read_opportunity(values: dict, line: int, time_zone) -> OpportunityRecord:
    record = OpportunityRecord(where={"line": line}, names={"identifier": "external_id"})
    p = ValueParser(record, time_zone)
    record.identifier = p.text("external_id", values.get("external_id"))
    if not record.identifier:
        record.problem("external_id", _("A stable identifier is required (external_id)."))
    own = parse_own_id(record.identifier, "opportunity")
    record.slug = p.text("slug", values.get("slug")) or (own[1] if own else "")
    for name in ("title_th", "title_en"):
        record.fields[name] = p.text(name, values.get(name), required=True)
    for name in ("summary_th", "summary_en", "description_th", "description_en", "url", "registration_url"):
        record.fields[name] = p.text(name, values.get(name))
    record.fields["kind"] = p.choice("kind", values.get("kind"), Opportunity.Kind.values)
    record.fields["mode"] = p.choice("mode", values.get("mode"), Opportunity.Mode.values)
    record.fields["language"] = p.choice(
        "language", values.get("language"), Opportunity.Language.values, default="th"
    )
    record.fields["price_thb"] = p.decimal("price_thb", values.get("price_thb"), default=Decimal(0))
    record.fields["has_certificate"] = p.boolean("has_certificate", values.get("has_certificate"))
    record.fields["hours"] = p.decimal("hours", values.get("hours"))
    record.fields["age_min"] = p.integer("age_min", values.get("age_min"))
    record.fields["age_max"] = p.integer("age_max", values.get("age_max"))
    record.provider = p.text("provider", values.get("provider"), required=True)
    record.relations = {
        name: p.codes(name, values.get(name))
        for name in ("life_stages", "topics", "sdg_targets", "kflc_features")
    }
    goals = [
        p.integer("sdg_goals", code, minimum=1) for code in p.codes("sdg_goals", values.get("sdg_goals"))
    ]
    record.relations["sdg_goals"] = [goal for goal in goals if goal is not None]
    return record


def _read_session(values: dict, line: int, time_zone) -> SessionRecord | None:
    if not any((values.get(column) or "").strip() for column in SESSION_COLUMNS):
        return None
    names = {column.removeprefix("session_"): column for column in SESSION_COLUMNS}
    names.update(is_cancelled="session_cancelled")
    session = SessionRecord(where={"line": line}, names=names)
    p = ValueParser(session, time_zone)
    session.fields["starts_at"] = p.datetime("starts_at", values.get("session_starts_at"), required=True)
    session.fields["ends_at"] = p.datetime("ends_at", values.get("session_ends_at"), required=True)
    session.space = p.text("space", values.get("session_space"))
    for name in ("place_th", "place_en", "online_url"):
        session.fields[name] = p.text(name, values.get(f"session_{name}"))
    session.fields["capacity"] = p.integer("capacity", values.get("session_capacity"), minimum=1)
    for name in ("registration_opens_at", "registration_closes_at"):
        session.fields[name] = p.datetime(name, values.get(f"session_{name}"))
    session.fields["is_cancelled"] = p.boolean("is_cancelled", values.get("session_cancelled"))
    return session


def read(text: str, *, time_zone: dt.tzinfo, max_records: int) -> tuple[ParsedFile, list[Problem]]:
    """Records of a spaces or opportunities CSV file (which one, the header says)."""
    rows = _rows(text)
    first = next(rows, None)
    if first is None:
        raise ValidationFailed(_("The file is empty."), code="malformed_file")
    kind, columns = _header(first[1])
    parsed, problems = ParsedFile(), []
    opportunities: dict[str, tuple[OpportunityRecord, dict]] = {}
    for count, (line, cells) in enumerate(rows, start=1):
        if count > max_records:
            raise ValidationFailed(
                _("The file has more than %(limit)s rows; import it in parts.") % {"limit": max_records},
                code="too_many_records",
            )
        if len(cells) != len(columns):
            message = _("Expected %(expected)s cells, found %(found)s.")
            problems.append(
                Problem({"line": line}, "", message % {"expected": len(columns), "found": len(cells)})
            )
            continue
        values = dict(zip(columns, cells, strict=True))
        if kind == "spaces":
            parsed.spaces.append(_read_space(values, line, time_zone))
            continue
        own_values = {column: values.get(column, "") for column in OPPORTUNITY_COLUMNS}
        identifier = (values.get("external_id") or "").strip()
        known = opportunities.get(identifier) if identifier else None
        if known is None:
            record = _read_opportunity(values, line, time_zone)
            parsed.opportunities.append(record)
            if identifier:
                opportunities[identifier] = (record, own_values)
        else:
            record, first_values = known
            if own_values != first_values:
                differing = [c for c in OPPORTUNITY_COLUMNS if own_values[c] != first_values[c]]
                message = _(
                    "The opportunity's columns differ from line %(line)s, "
                    "where this external_id first appears."
                )
                record.problems.append(
                    Problem({"line": line}, differing[0], message % {"line": record.where["line"]})
                )
        session = _read_session(values, line, time_zone)
        if session is not None:
            record.sessions.append(session)
    return parsed, problems
