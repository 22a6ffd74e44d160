"""Import a catalogue file (JSON-LD or CSV) into a city: validate everything, then write all or nothing.

1. Decode (UTF-8, with or without a byte-order mark; size-limited), read the records (jsonld, csv_format).
2. Resolve and validate every record against the city: the partner, zone, community and spaces it names
   must be the city's (or, for spaces, in the same file); codes must be known; the model's own rules
   (lengths, URLs, age range, session and registration order) must hold. Every problem is collected.
3. With any problem and not `valid_only`: raise ImportRejected with all of them; nothing is written.
4. Otherwise write the valid records in one transaction through the catalogue services (validation and
   audit apply), upserting by stable identifier and comparing before saving, so re-importing the same
   file writes nothing. An opportunity's sessions are replaced to match the file; existing sessions are
   matched by start time and space first, so their ids stay stable.

Identifiers: `rianru:<this city>:<space|opportunity>:<slug>` names the row with that slug; any other
identifier is an external id, matched against (and stored in) `external_id`.
"""

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rianru.catalogue import services
from rianru.catalogue.interchange import csv_format, jsonld_read
from rianru.catalogue.interchange.records import (
    OpportunityRecord,
    ParsedFile,
    Problem,
    Record,
    SessionRecord,
    SpaceRecord,
    parse_own_id,
)
from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.catalogue.permissions import can_import_catalogue
from rianru.core.errors import NotAllowed, ValidationFailed
from rianru.core.uploads import decode_upload
from rianru.frameworks.models import KflcItem, SdgGoal, SdgTarget
from rianru.network.models import City, Community, Partner, Zone
from rianru.network.selectors import city_time_zone, for_city

FORMATS = ("jsonld", "csv")
CHUNK = 500
COORDINATE = Decimal("0.000001")


class ImportRejected(ValidationFailed):
    """The file has problems and the caller did not ask to import the valid records only."""

    code = "import_invalid"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_invalid: int = 0
    errors: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped_invalid": self.skipped_invalid,
        }


def max_bytes() -> int:
    return settings.RIANRU_CATALOGUE_IMPORT_MAX_BYTES


def max_records() -> int:
    return settings.RIANRU_CATALOGUE_IMPORT_MAX_RECORDS


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark; not binary, not empty, not too large."""
    return decode_upload(
        data,
        limit=max_bytes(),
        not_utf8=_("The file is not UTF-8 text (byte %(position)s). Save it as UTF-8 CSV or JSON."),
        binary=_("The file holds binary data, not text."),
    )


def detect_format(text: str) -> str:
    return "jsonld" if text.lstrip()[:1] in ("{", "[") else "csv"


def read(text: str, *, format: str | None, time_zone: dt.tzinfo) -> tuple[ParsedFile, list[Problem]]:
    format = format or detect_format(text)
    if format not in FORMATS:
        raise ValidationFailed(_("Unknown format: use jsonld or csv."), code="invalid")
    reader = jsonld_read.read if format == "jsonld" else csv_format.read
    return reader(text, time_zone=time_zone, max_records=max_records())


def ensure_can_import(actor, city: City) -> None:
    if actor is not None and not can_import_catalogue(actor, city):
        raise NotAllowed(_("Only the city's staff may import its catalogue."))


def catalogue_import(
    *,
    actor,
    city: City,
    data: bytes,
    format: str | None = None,
    valid_only: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import a catalogue file into the city. `actor` None is the system (the CLI's operator)."""
    ensure_can_import(actor, city)
    time_zone = city_time_zone(city)
    parsed, problems = read(decode(data), format=format, time_zone=time_zone)
    Resolver(city).resolve(parsed)
    records: list[Record] = [*parsed.spaces, *parsed.opportunities]
    record_problems = [p for r in records for p in _problems(r)]
    errors = sorted((*problems, *record_problems), key=_position)
    invalid = sum(1 for r in records if _problems(r)) + len({_position(p) for p in problems})
    result = ImportResult(skipped_invalid=invalid, errors=[p.as_dict() for p in errors], dry_run=dry_run)
    if errors and not valid_only:
        message = ngettext(
            "The file has %(count)s error; nothing was imported.",
            "The file has %(count)s errors; nothing was imported.",
            len(errors),
        ) % {"count": len(errors)}
        raise ImportRejected(message, extra={"errors": result.errors, "invalid_records": invalid})
    writer = Writer(actor=actor, city=city, result=result)
    try:
        with transaction.atomic():
            writer.write(parsed)
            if dry_run:
                transaction.set_rollback(True)
    except (ValidationError, IntegrityError) as exc:  # e.g. another import wrote the same record meanwhile
        reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        raise ValidationFailed(
            _("Nothing was imported: writing the record at %(where)s failed (%(reason)s).")
            % {"where": describe(writer.current.where) if writer.current else "?", "reason": reason},
            code="import_failed",
        ) from None
    return result


def _problems(record: Record) -> list[Problem]:
    return record.all_problems if isinstance(record, OpportunityRecord) else record.problems


def _position(problem: Problem) -> tuple:
    return tuple(problem.where.items())


# --- Resolving and validating ---------------------------------------------------------------------


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def describe(where: dict) -> str:
    """Where a record is, in words: line 3 (CSV) or index 5 (JSON-LD)."""
    if "line" in where:
        return _("line %(line)s") % where
    return _("index %(index)s") % where


def _partner_slug(reference: str) -> str:
    own = parse_own_id(reference, "partner")
    return own[1] if own else reference


def _model_errors(record: Record, instance, exclude: list[str]) -> None:
    """The model's own rules (lengths, choices, URLs, clean()) as problems in the file's terms."""
    already = {problem.field for problem in record.problems}  # a value that could not be read is not blank
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            name = "" if name == "__all__" else name
            if record.name(name) not in already:
                record.problem(name, " ".join(messages))


class Resolver:
    def __init__(self, city: City):
        self.city = city
        self.partners = {p.slug: p for p in for_city(Partner.objects, city)}
        self.zones = {z.number: z for z in for_city(Zone.objects, city)}
        self.communities = {c.slug: c for c in for_city(Community.objects, city)}
        self.codes = {
            "life_stages": set(LifeStage.objects.values_list("code", flat=True)),
            "topics": set(Topic.objects.values_list("slug", flat=True)),
            "sdg_goals": set(SdgGoal.objects.values_list("number", flat=True)),
            "sdg_targets": set(SdgTarget.objects.values_list("code", flat=True)),
            "kflc_features": set(
                KflcItem.objects.filter(level=KflcItem.Level.FEATURE).values_list("code", flat=True)
            ),
        }

    def resolve(self, parsed: ParsedFile) -> None:
        self._match(parsed.spaces, LearningSpace, "space")
        self._match(parsed.opportunities, Opportunity, "opportunity", prefetch=True)
        for record in parsed.spaces:
            self._space(record)
        in_file = {}
        for record in parsed.spaces:
            for key in (record.node_id, record.identifier):
                if key:
                    in_file.setdefault(key, record)
        self.spaces_in_file = in_file
        self.spaces_in_db: dict[str, LearningSpace | None] = {}
        for record in parsed.opportunities:
            self._opportunity(record)

    def _match(self, records: list, model, kind: str, prefetch: bool = False) -> None:
        """Find the existing row of each record; note identifiers used twice in the file."""
        first_seen: dict[str, Record] = {}
        by_slug, by_external = {}, {}
        for record in records:
            if not record.identifier:
                continue
            if record.identifier in first_seen:
                where = describe(first_seen[record.identifier].where)
                record.problem(
                    "identifier", _("The identifier is used twice (first at %(where)s).") % {"where": where}
                )
                continue
            first_seen[record.identifier] = record
            own = parse_own_id(record.identifier, kind)
            if own and own[0] == self.city.slug:
                by_slug[own[1]] = record
            else:
                by_external[record.identifier] = record
        rows = for_city(model.objects, self.city)
        if prefetch:
            rows = rows.prefetch_related(
                "life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features", "sessions"
            )
        for keys in _chunks(list(by_slug)):
            for row in rows.filter(slug__in=keys):
                row.city = self.city
                by_slug[row.slug].row = row
        for keys in _chunks(list(by_external)):
            for row in rows.filter(external_id__in=keys):
                row.city = self.city
                by_external[row.external_id].row = row
        self._assign_slugs(records, model, by_external)

    def _assign_slugs(self, records, model, external: dict) -> None:
        """New rows get the file's slug, or one made from the English name or identifier,
        unique in the city."""
        taken = set(for_city(model.objects, self.city).values_list("slug", flat=True))
        new = []
        for record in records:
            if record.row is not None:
                record.slug = record.row.slug
            elif record.slug and record.identifier and record.identifier not in external:
                taken.add(record.slug)  # this city's own id of a row that no longer exists: keep its slug
            else:
                new.append(record)
        for record in new:
            name = record.fields.get("title_en") or record.fields.get("name_en") or ""
            base = (slugify(record.slug) or slugify(name) or slugify(record.identifier) or "item")[:100]
            slug, n = base, 1
            while slug in taken:
                n += 1
                slug = f"{base}-{n}"
            taken.add(slug)
            record.slug = slug

    def _external_id(self, record, kind: str) -> str:
        own = parse_own_id(record.identifier, kind)
        if own and own[0] == self.city.slug:
            return record.row.external_id if record.row is not None else ""
        return record.identifier

    def _partner(self, record: Record, name: str, reference: str) -> Partner | None:
        if not reference:
            return None
        partner = self.partners.get(_partner_slug(reference))
        if partner is None:
            record.problem(name, _("There is no partner “%(ref)s” in this city.") % {"ref": reference})
        return partner

    def _space(self, record: SpaceRecord) -> None:
        owner = self._partner(record, "owner", record.owner)
        zone = community = None
        if record.zone is not None:
            zone = self.zones.get(record.zone)
            if zone is None:
                record.problem("zone", _("There is no zone %(ref)s in this city.") % {"ref": record.zone})
        if record.community:
            community = self.communities.get(record.community)
            if community is None:
                record.problem(
                    "community",
                    _("There is no community “%(ref)s” in this city.") % {"ref": record.community},
                )
        for name in ("latitude", "longitude"):
            if record.fields.get(name) is not None:
                with suppress(InvalidOperation):  # too large to round: the model's limits refuse it below
                    record.fields[name] = record.fields[name].quantize(COORDINATE)
        record.links = {"owner": owner, "zone": zone, "community": community}
        record.fields["external_id"] = self._external_id(record, "space")
        instance = LearningSpace(city=self.city, slug=record.slug, **record.fields, **record.links)
        _model_errors(record, instance, exclude=["city", "owner", "zone", "community"])

    def _opportunity(self, record: OpportunityRecord) -> None:
        provider = self._partner(record, "provider", record.provider)
        record.links = {"provider": provider}
        for name, keys in record.relations.items():
            unknown = [str(k) for k in keys if k not in self.codes[name]]
            if unknown:
                record.problem(name, _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)})
        record.fields["external_id"] = self._external_id(record, "opportunity")
        instance = Opportunity(city=self.city, slug=record.slug, **record.fields)
        _model_errors(record, instance, exclude=["city", "provider"])
        for session in record.sessions:
            self._session(session)

    def _space_for(self, session: SessionRecord):
        """The space a session names: a Place of the file, this city's own id, or an external id."""
        reference = session.space
        in_file = self.spaces_in_file.get(reference)
        if in_file is not None:
            if in_file.problems:
                where = describe(in_file.where)
                session.problem(
                    "space", _("The learning space it names has errors (%(where)s).") % {"where": where}
                )
            return in_file
        if reference not in self.spaces_in_db:
            own = parse_own_id(reference, "space")
            rows = for_city(LearningSpace.objects, self.city)
            if own and own[0] == self.city.slug:
                self.spaces_in_db[reference] = rows.filter(slug=own[1]).first()
            else:
                self.spaces_in_db[reference] = rows.filter(external_id=reference).first()
        row = self.spaces_in_db[reference]
        if row is None:
            session.problem(
                "space", _("There is no learning space “%(ref)s” in this city.") % {"ref": reference}
            )
        return row

    def _session(self, session: SessionRecord) -> None:
        session.links = {"space": self._space_for(session) if session.space else None}
        _model_errors(
            session, Session(city=self.city, **session.fields), exclude=["city", "opportunity", "space"]
        )


# --- Writing --------------------------------------------------------------------------------------


def _changes(row, values: dict) -> dict:
    changed = {}
    for name, value in values.items():
        model_field = row._meta.get_field(name)
        if model_field.is_relation:
            if getattr(row, model_field.attname) != (value.pk if value is not None else None):
                changed[name] = value
        elif getattr(row, name) != value:
            changed[name] = value
    return changed


class Writer:
    def __init__(self, *, actor, city: City, result: ImportResult):
        self.actor = actor
        self.city = city
        self.result = result
        self.current: Record | None = None  # the record being written

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.result.created += 1
        elif changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1

    def write(self, parsed: ParsedFile) -> None:
        saved: dict[int, LearningSpace] = {}
        for record in parsed.spaces:
            if not record.problems:
                self.current = record
                saved[id(record)] = self.space(record)
        for record in parsed.opportunities:
            if not record.all_problems:
                self.current = record
                self.opportunity(record, saved)

    def space(self, record: SpaceRecord) -> LearningSpace:
        values = {**record.fields, **record.links}
        row = record.row
        if row is None:
            row = services.space_create(actor=self.actor, city=self.city, slug=record.slug, **values)
            self.count(created=True, changed=True)
            return row
        changes = _changes(row, values)
        if changes:
            services.space_update(actor=self.actor, space=row, **changes)
        self.count(created=False, changed=bool(changes))
        return row

    def opportunity(self, record: OpportunityRecord, saved_spaces: dict) -> None:
        values = {**record.fields, **record.links}
        row = record.row
        if row is None:
            row = services.opportunity_create(
                actor=self.actor, city=self.city, slug=record.slug, **values, **record.relations
            )
            self.sessions(row, record, saved_spaces, existing=[])
            self.count(created=True, changed=True)
            return
        changes = _changes(row, values)
        relations = {
            name: keys for name, keys in record.relations.items() if set(keys) != self._current(row, name)
        }
        if changes or relations:
            services.opportunity_update(actor=self.actor, opportunity=row, relations=relations, **changes)
        sessions_changed = self.sessions(row, record, saved_spaces, existing=list(row.sessions.all()))
        self.count(created=False, changed=bool(changes or relations or sessions_changed))

    @staticmethod
    def _current(row: Opportunity, name: str) -> set:
        key = {"life_stages": "code", "topics": "slug", "sdg_goals": "number", "sdg_targets": "code"}.get(
            name, "code"
        )
        return {getattr(item, key) for item in getattr(row, name).all()}

    def sessions(
        self, row: Opportunity, record: OpportunityRecord, saved_spaces: dict, existing: list
    ) -> bool:
        """Make the opportunity's sessions those of the file; True if anything changed."""
        wanted = []
        for session in record.sessions:
            space = session.links.get("space")
            if isinstance(space, SpaceRecord):
                space = saved_spaces[id(space)]
            wanted.append((session, space))
        for session in existing:
            session.city = self.city
        pairs, remaining = [], list(existing)
        unmatched = []
        for session, space in wanted:  # same start and space
            match = next(
                (
                    s
                    for s in remaining
                    if s.starts_at == session.fields["starts_at"]
                    and s.space_id == (space.pk if space else None)
                ),
                None,
            )
            if match is None:
                unmatched.append((session, space))
            else:
                remaining.remove(match)
                pairs.append((match, session, space))
        still = []
        for session, space in unmatched:  # same start
            match = next((s for s in remaining if s.starts_at == session.fields["starts_at"]), None)
            if match is None:
                still.append((session, space))
            else:
                remaining.remove(match)
                pairs.append((match, session, space))
        changed = False
        for match in remaining:
            services.session_delete(actor=self.actor, session=match)
            changed = True
        for session, space in still:
            services.session_create(actor=self.actor, opportunity=row, space=space, **session.fields)
            changed = True
        for match, session, space in pairs:
            changes = _changes(match, {**session.fields, "space": space})
            if changes:
                services.session_update(actor=self.actor, session=match, **changes)
                changed = True
        return changed
