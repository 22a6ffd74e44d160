"""Attendance and completions uploaded as CSV become xAPI statements (docs/lrs.md, "CSV upload").

`statements_upload` reads the file, turns every row into a statement, validates it like a statement sent
over xAPI, and stores all of them through `statements_store` only if no row has an error (all or
nothing). Each row's statement id is a UUID 5 of the partner and the row's identity (learner, verb,
activity, time, registration, session), so uploading the same file again stores nothing new, and a row
sent again with other values (a corrected score) is reported, not stored twice.

The authority of uploaded statements is the partner's upload credential (`Credential.upload`), created on
the first upload with the scope statements/write; its secret is never shown, it is not meant for HTTP.

Activities: apps above the LRS turn their own references into activity IRIs with
`register_activity_resolver` (the catalogue resolves opportunity ids, external ids and slugs); any other
value must be an IRI.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rianru.core.errors import Conflict, NotAllowed, TooLarge, ValidationFailed
from rianru.core.models import audit
from rianru.core.tabular import column_problems, csv_records
from rianru.core.types import Actor
from rianru.core.uploads import decode_upload
from rianru.lrs import agents as xagents
from rianru.lrs.hooks import ResolvedActivity, activity_resolve
from rianru.lrs.models import Credential, Statement
from rianru.lrs.permissions import can_upload_statements
from rianru.lrs.services.credentials import credential_create
from rianru.lrs.services.statements import statements_store
from rianru.lrs.services.upload_cells import (
    EMAIL_RE,
    VERBS,
    CellError,
    RowErrors,
    parse_duration,
    parse_registration,
    parse_score,
    parse_verb,
    parse_when,
)
from rianru.lrs.xapi.validation import IRI_RE, Invalid, validate_statement
from rianru.network.models import Partner
from rianru.network.selectors import city_home_page, city_time_zone

# The namespace of the UUID 5 statement ids of uploaded rows (never change it: re-uploads would duplicate).
UPLOAD_NAMESPACE = uuid.UUID("6f1c9a52-3d0e-5b7e-9a4c-2b8d7e1f0a63")
SESSION_EXTENSION = "https://rianru.org/xapi/extensions/session"
PLATFORM = "Rianru CSV upload"
UPLOAD_CREDENTIAL_NAME = "CSV upload"
MAX_ERRORS = 1000


COLUMNS = [
    "email",
    "account",
    "account_homepage",
    "name",
    "activity",
    "activity_name_th",
    "activity_name_en",
    "verb",
    "when",
    "score",
    "score_max",
    "duration",
    "registration",
    "session",
]
REQUIRED = {"activity", "verb", "when"}


class UploadRejected(ValidationFailed):
    """The file has errors: nothing was stored. `extra["errors"]` lists them by line."""

    code = "upload_invalid"


@dataclass
class UploadResult:
    rows: int = 0
    stored: int = 0
    unchanged: int = 0
    repeated: int = 0
    dry_run: bool = False
    statement_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "repeated": self.repeated,
            "dry_run": self.dry_run,
        }


@dataclass
class Row:
    line: int
    statement: dict
    key: str


def max_bytes() -> int:
    return settings.RIANRU_LRS_UPLOAD_MAX_BYTES


def max_rows() -> int:
    return settings.RIANRU_LRS_UPLOAD_MAX_ROWS


# --- the file ---------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark (Excel's "CSV UTF-8"); anything else is refused."""
    return decode_upload(
        data,
        limit=max_bytes(),
        not_utf8=_(
            "The file is not UTF-8 text (byte %(position)s).%(hint)s In Excel choose “Save as” → "
            "“CSV UTF-8 (comma delimited)”; in LibreOffice choose the character set Unicode (UTF-8)."
        ),
        binary=_("The file holds binary data, not CSV text."),
    )


def header_columns(cells: list[str]) -> list[str]:
    columns = [cell.strip().lower().replace(" ", "_").replace("-", "_") for cell in cells]
    details = column_problems(columns, known=COLUMNS, required=REQUIRED)
    if not ("email" in columns or "account" in columns):
        details.append(_("an email or an account column is needed"))
    if details:
        raise ValidationFailed(
            _("The first line must name the columns (%(details)s). The columns are: %(columns)s.")
            % {"details": "; ".join(details), "columns": ", ".join(COLUMNS)},
            code="malformed_file",
            extra={"columns": COLUMNS},
        )
    return columns


class Reader:
    """Turns the rows of one file into statements for one partner."""

    def __init__(self, partner: Partner):
        self.partner = partner
        self.city = partner.city
        self.time_zone = city_time_zone(self.city)
        self.home_page = city_home_page(self.city)  # the default homePage of an account, once per file
        self.activities: dict[tuple[str, str, str], ResolvedActivity] = {}

    def actor(self, values: dict) -> dict:
        email, account = values.get("email", "").strip(), values.get("account", "").strip()
        name = values.get("name", "").strip()
        if email and account:
            raise CellError("email", _("Give the e-mail or the account, not both."))
        if not email and not account:
            raise CellError("email", _("Give the learner's e-mail or account."))
        actor: dict = {"objectType": "Agent"}
        if name:
            actor["name"] = name[:300]
        if email:
            if email.lower().startswith("mailto:"):
                email = email[7:]
            if not EMAIL_RE.match(email):
                raise CellError("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            actor["mbox"] = "mailto:" + email.lower()
        else:
            home = values.get("account_homepage", "").strip() or self.home_page
            if not IRI_RE.match(home):
                raise CellError("account_homepage", _("“%(value)s” is not an IRI.") % {"value": home})
            actor["account"] = {"homePage": home, "name": account[:300]}
        return actor

    def activity(self, values: dict) -> dict:
        reference = values.get("activity", "").strip()
        if not reference:
            raise CellError("activity", _("The activity is missing."))
        names = {lang: values.get(f"activity_name_{lang}", "").strip() for lang in ("th", "en")}
        memo = (reference, names["th"], names["en"])
        if memo not in self.activities:
            resolved = activity_resolve(self.city, reference)
            if resolved is None:
                if reference.startswith("rianru:") or not IRI_RE.match(reference):
                    raise CellError(
                        "activity",
                        _(
                            "No opportunity of this city has the id, external id or slug “%(value)s”, and it "
                            "is not an IRI (https://…)."
                        )
                        % {"value": reference},
                    )
                resolved = ResolvedActivity(iri=reference)
            definition = dict(resolved.definition)
            given = {lang: name for lang, name in names.items() if name}
            if given and not definition.get("name"):
                definition["name"] = given
            self.activities[memo] = ResolvedActivity(iri=resolved.iri, definition=definition)
        activity = self.activities[memo]
        result: dict[str, object] = {"objectType": "Activity", "id": activity.iri}
        if activity.definition:
            result["definition"] = activity.definition
        return result

    def row(self, values: dict) -> tuple[dict, str]:
        """The statement of one row and the row's identity (what its statement id is made from)."""
        problems: list[CellError] = []

        def attempt(function, *args):
            try:
                return function(*args)
            except CellError as error:
                problems.append(error)
                return None

        actor = attempt(self.actor, values)
        obj = attempt(self.activity, values)
        verb_value = values.get("verb", "").strip()
        keyword = attempt(parse_verb, verb_value) if verb_value else None
        if not verb_value:
            problems.append(CellError("verb", _("The verb is missing.")))
        when_value = values.get("when", "").strip()
        when = attempt(parse_when, when_value, self.time_zone) if when_value else None
        if not when_value:
            problems.append(CellError("when", _("The date is missing.")))
        result: dict = {}
        if values.get("score", "").strip():
            score = attempt(parse_score, values["score"], values.get("score_max", ""))
            if score:
                result["score"] = score
        elif values.get("score_max", "").strip():
            problems.append(CellError("score", _("A highest score without a score.")))
        if values.get("duration", "").strip():
            duration = attempt(parse_duration, values["duration"])
            if duration:
                result["duration"] = duration
        registration = values.get("registration", "").strip()
        if registration:
            registration = attempt(parse_registration, registration)
        session = values.get("session", "").strip()
        if len(session) > 200:
            problems.append(CellError("session", _("The session is longer than 200 characters.")))
        if problems:
            raise RowErrors(problems)
        assert keyword is not None and when is not None  # a missing or bad cell is a problem above
        iri, english, thai, implied = VERBS[keyword]
        result = {**implied, **result}
        context: dict = {"platform": PLATFORM}
        if registration:
            context["registration"] = registration
        if session:
            context["extensions"] = {SESSION_EXTENSION: session}
        statement = {
            "actor": actor,
            "verb": {"id": iri, "display": {"en-US": english, "th": thai}},
            "object": obj,
            "timestamp": when.isoformat(),
            "context": context,
        }
        if result:
            statement["result"] = result
        identity = "\n".join(
            [
                str(self.partner.pk),
                xagents.agent_key(actor),
                iri,
                obj["id"],
                when.astimezone(dt.UTC).isoformat(),
                registration or "",
                session,
            ]
        )
        statement["id"] = str(uuid.uuid5(UPLOAD_NAMESPACE, identity))
        return statement, identity


def read_file(partner: Partner, data: bytes) -> tuple[list[Row], list[dict], int]:
    """The rows' statements, every error ({line, column, message}) and the number of rows."""
    text = decode(data)
    rows_iter = csv_records(text, strict=True)
    first = next(rows_iter, None)
    if first is None:
        raise ValidationFailed(_("The file is empty."), code="malformed_file")
    columns = header_columns(first[1])
    reader = Reader(partner)
    rows: list[Row] = []
    errors: list[dict] = []
    count = 0
    for line, cells in rows_iter:
        count += 1
        if count > max_rows():
            raise TooLarge(
                _("The file has more than %(limit)s rows: split it into smaller files.")
                % {"limit": max_rows()}
            )
        if len(cells) > len(columns) and any(cell.strip() for cell in cells[len(columns) :]):
            errors.append(
                {
                    "line": line,
                    "column": "",
                    "message": _("This line has more cells than the first line has columns."),
                }
            )
            continue
        values = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
        try:
            statement, identity = reader.row(values)
        except RowErrors as failure:
            errors += [{"line": line, "column": p.column, "message": p.message} for p in failure.problems]
            continue
        try:
            validate_statement(statement, "2.0.0")
        except Invalid as error:
            errors.append(
                {
                    "line": line,
                    "column": "",
                    "message": _("Not a valid xAPI statement: %(reason)s") % {"reason": error},
                }
            )
            continue
        rows.append(Row(line=line, statement=statement, key=identity))
    if count == 0:
        raise ValidationFailed(_("The file has a header line but no rows."), code="malformed_file")
    return rows, errors, count


def check_duplicates(rows: list[Row], errors: list[dict]) -> tuple[list[Row], int]:
    """Rows of the same identity: the same values again are dropped; other values are an error."""
    first: dict[str, Row] = {}
    unique, repeated = [], 0
    for row in rows:
        seen = first.get(row.statement["id"])
        if seen is None:
            first[row.statement["id"]] = row
            unique.append(row)
        elif xagents.same_statement(row.statement, seen.statement):
            repeated += 1
        else:
            errors.append(
                {
                    "line": row.line,
                    "column": "",
                    "message": _(
                        "The same learner, verb, activity and time as line %(line)s, "
                        "with other values: keep one."
                    )
                    % {"line": seen.line},
                }
            )
    return unique, repeated


def already_stored(city_id: int, rows: list[Row], errors: list[dict]) -> list[Row]:
    """The rows not stored yet;
    a row stored before with other values is an error (statements never change)."""
    stored: dict[str, dict] = {}
    ids = [row.statement["id"] for row in rows]
    for start in range(0, len(ids), 1000):
        for statement_id, data in Statement.objects.filter(
            city_id=city_id, statement_id__in=ids[start : start + 1000]
        ).values_list("statement_id", "data"):
            stored[str(statement_id)] = data
    new = []
    for row in rows:
        found = stored.get(row.statement["id"])
        if found is None:
            new.append(row)
        elif not xagents.same_statement(row.statement, found):
            errors.append(
                {
                    "line": row.line,
                    "column": "",
                    "message": _(
                        "This row was uploaded before with other values; a stored statement cannot change "
                        "(void it over xAPI first, or keep the earlier values)."
                    ),
                }
            )
    return new


def upload_credential(*, actor: Actor, partner: Partner) -> Credential:
    """The partner's credential for uploads (the authority of uploaded statements),
    created when first needed."""
    credential = (
        Credential.objects.select_related("city", "partner")
        .filter(partner=partner, upload=True, revoked_at__isnull=True)
        .order_by("created_at", "pk")
        .first()
    )
    if credential is None:
        credential, _secret = credential_create(
            actor=actor, partner=partner, scopes=["statements/write"], name=UPLOAD_CREDENTIAL_NAME
        )
        credential.upload = True
        credential.save(update_fields=["upload", "updated_at"])
    return credential


def rejected(errors: list[dict], invalid_lines: int) -> UploadRejected:
    errors.sort(key=lambda error: (error["line"], error["column"]))
    message = ngettext(
        "The file has %(count)s error; nothing was stored.",
        "The file has %(count)s errors; nothing was stored.",
        len(errors),
    ) % {"count": len(errors)}
    return UploadRejected(
        message,
        extra={"errors": errors[:MAX_ERRORS], "error_count": len(errors), "invalid_lines": invalid_lines},
    )


def statements_upload(*, actor: Actor, partner: Partner, data: bytes, dry_run: bool = False) -> UploadResult:
    """Store the rows of a CSV file as statements of the partner, all or nothing. `actor` None: the CLI."""
    if actor is not None and not can_upload_statements(actor, partner):
        raise NotAllowed(_("You may not upload statements for this partner."))
    rows, errors, count = read_file(partner, data)
    rows, repeated = check_duplicates(rows, errors)
    new = already_stored(partner.city_id, rows, errors)
    if errors:
        raise rejected(errors, len({error["line"] for error in errors}))
    result = UploadResult(
        rows=count,
        stored=len(new),
        unchanged=len(rows) - len(new),
        repeated=repeated,
        dry_run=dry_run,
        statement_ids=[row.statement["id"] for row in rows],
    )
    if dry_run or not new:
        return result
    try:
        with transaction.atomic():
            credential = upload_credential(actor=actor, partner=partner)
            statements_store(
                credential=credential, statements=[row.statement for row in new], xapi_version="2.0.0"
            )
            audit(
                actor=actor,
                action="lrs.statements_upload",
                target=credential,
                city_slug=partner.city.slug,
                partner=partner.slug,
                rows=count,
                stored=result.stored,
                unchanged=result.unchanged,
            )
    except Conflict:  # another upload stored other values for the same rows meanwhile
        raise ValidationFailed(
            _(
                "Nothing was stored: some rows were stored with other values meanwhile. "
                "Upload the file again."
            ),
            code="upload_conflict",
        ) from None
    return result
