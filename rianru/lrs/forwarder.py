"""Forward a city's stored statements to another LRS, as a background job (docs/lrs.md, "Forwarding").
Its configuration is written by `services.forwarding`.

- `Forwarding.cursor` in the database is the truth: every statement with a pk up to it has been accepted
  by the target, except pks in `gaps`. The cursor moves only after the target answered 2xx, so nothing
  is lost; a crash between the target's answer and our save sends a batch again, which the target
  accepts without storing it twice (same statement ids, xAPI immutability).
- PostgreSQL hands out ids before transactions commit, so a statement may appear below the cursor after
  the cursor passed it. Skipped ids are kept as `gaps` and looked at again until they are GAP_SECONDS
  old (ids also go unused for good: a rolled-back batch, a statement sent twice).
- Batches of up to BATCH statements are POSTed to `<endpoint>statements` (multipart/mixed when they carry
  attachments). A network error, a timeout or any status but 2xx/400/409/413 is a failed attempt: the
  next one waits 2, 4, 8 … seconds, at most 15 minutes. A 400, 409 or 413 means the target refuses a
  statement: the batch is split in halves until the refused statement is alone; it is recorded as a
  `ForwardingRejection` (admin, `rianru check`) and skipped, the others go on.
- One process at a time works on a forwarding (a lease in its row), so several servers and a
  `rianru lrs forward --follow` may run side by side.
"""

import base64
import datetime as dt
import http.client
import json
import logging
import os
import socket
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from rianru.core.background import start_locked_thread
from rianru.lrs import crypto
from rianru.lrs.hooks import statements_stored
from rianru.lrs.models import Attachment, Forwarding, ForwardingRejection, Statement
from rianru.lrs.xapi.multipart import multipart_mixed
from rianru.network.models import City

log = logging.getLogger(__name__)

BATCH = 100
SCAN = 1000  # ids looked at per batch (statements of every city: gaps are gaps of the id sequence)
BATCHES_PER_TURN = 50  # then the next forwarding gets its turn
LEASE = dt.timedelta(seconds=120)
GAP_SECONDS = 300
MAX_GAPS = 1000
BACKOFF_FIRST = 2.0
BACKOFF_MAX = 900.0
TIMEOUT = 30
REFUSED = {400, 409, 413}
REJECTIONS_BEFORE_PAUSE = 20


class TargetUnavailable(Exception):
    """The attempt failed for a reason that may pass (network, 5xx, 401…): try again later."""


@dataclass
class Outcome:
    sent: int = 0
    rejected: int = 0
    error: str = ""
    skipped: str = ""  # "busy", "waiting", "disabled"
    more: bool = False


# --- the target ---------------------------------------------------------------------------------------


class Target:
    """The other LRS's statements resource, spoken to with urllib (no extra dependency)."""

    def __init__(self, forwarding: Forwarding):
        self.url = forwarding.endpoint + "statements"
        secret = crypto.decrypt(forwarding.secret_encrypted)
        self.auth = "Basic " + base64.b64encode(f"{forwarding.key}:{secret}".encode()).decode("ascii")
        self.version = forwarding.xapi_version

    def post(self, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310 - the endpoint is http(s), checked by clean_endpoint
            self.url,
            data=body,
            method="POST",
            headers={
                "Authorization": self.auth,
                "X-Experience-API-Version": self.version,
                "Content-Type": content_type,
                "User-Agent": "Rianru LRS forwarding",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.status, ""
        except urllib.error.HTTPError as error:
            return error.code, message_of(error.read(4000))
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            raise TargetUnavailable(
                _("Cannot reach %(url)s: %(reason)s") % {"url": self.url, "reason": reason}
            ) from None


def message_of(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
        if isinstance(data, dict) and data.get("message"):
            return str(data["message"])[:1000]
    except ValueError:
        pass
    return text.strip()[:1000]


def outgoing(statement: dict, version: str) -> dict:
    """The statement as sent: without `stored` (the target sets its own);
    a 1.0.3 target gets version 1.0.0."""
    data = {key: value for key, value in statement.items() if key != "stored"}
    if version == "1.0.3" and str(data.get("version", "")).startswith("2"):
        data["version"] = "1.0.0"
    return data


def request_body(city_id: int, rows: list[Statement], version: str) -> tuple[bytes, str]:
    statements = [outgoing(row.data, version) for row in rows]
    document = json.dumps(statements, ensure_ascii=False).encode()
    hashes = sorted(
        {a["sha2"] for row in rows if row.has_attachments for a in row.data.get("attachments", [])}
    )
    parts = list(Attachment.objects.filter(city_id=city_id, sha2__in=hashes)) if hashes else []
    if not parts:
        return document, "application/json"
    return multipart_mixed(document, parts, uuid.uuid4().hex)


# --- one run ------------------------------------------------------------------------------------------


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def claim(forwarding: Forwarding, owner: str, now: dt.datetime) -> bool:
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)
    return bool(
        Forwarding.objects.filter(Q(pk=forwarding.pk) & free).update(
            lease_owner=owner, lease_until=now + LEASE
        )
    )


def release(forwarding: Forwarding, owner: str) -> None:
    Forwarding.objects.filter(pk=forwarding.pk, lease_owner=owner).update(lease_owner="", lease_until=None)


def live_gaps(gaps: list, now: dt.datetime) -> list:
    cutoff = (now - dt.timedelta(seconds=GAP_SECONDS)).isoformat()
    return [gap for gap in gaps if gap[2] >= cutoff][-MAX_GAPS:]


def without(gaps: list, pks: set[int]) -> list:
    """The gaps with the given ids taken out (ranges split around them)."""
    result = []
    for first, last, seen in gaps:
        start = first
        for pk in sorted(pk for pk in pks if first <= pk <= last):
            if pk > start:
                result.append([start, pk - 1, seen])
            start = pk + 1
        if start <= last:
            result.append([start, last, seen])
    return result


class Run:
    def __init__(self, forwarding: Forwarding, now: dt.datetime):
        self.forwarding = forwarding
        self.now = now
        self.target = Target(forwarding)
        self.outcome = Outcome()
        self.refused_in_a_row = 0

    def next_batch(self) -> tuple[list[Statement], list[int], int, list]:
        """(statements to send, late ids found in gaps, the new cursor, the new gaps)."""
        forwarding = self.forwarding
        gaps = live_gaps(forwarding.gaps, self.now)
        late: list[int] = []
        if gaps:
            in_gaps = Q()
            for first, last, _seen in gaps:
                in_gaps |= Q(pk__gte=first, pk__lte=last)
            late = list(
                Statement.objects.filter(in_gaps, city_id=forwarding.city_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
        cursor = forwarding.cursor
        chosen = list(late)
        new_gaps = []
        scanned = Statement.objects.filter(pk__gt=cursor).order_by("pk").values_list("pk", "city_id")[:SCAN]
        for pk, city_id in scanned:
            if len(chosen) >= BATCH:
                break
            if pk > cursor + 1:
                new_gaps.append([cursor + 1, pk - 1, self.now.isoformat()])
            cursor = pk
            if city_id == forwarding.city_id:
                chosen.append(pk)
        rows = list(
            Statement.objects.filter(pk__in=chosen)
            .order_by("pk")
            .only("pk", "statement_id", "data", "has_attachments")
        )
        gaps = (without(gaps, set(late)) + new_gaps)[-MAX_GAPS:]
        return rows, late, cursor, gaps

    def send(self, rows: list[Statement]) -> None:
        """Send rows; refused ones are split off and recorded. Raises TargetUnavailable."""
        body, content_type = request_body(self.forwarding.city_id, rows, self.forwarding.xapi_version)
        status, message = self.target.post(body, content_type)
        if 200 <= status < 300:
            self.outcome.sent += len(rows)
            self.refused_in_a_row = 0
            ForwardingRejection.objects.filter(
                forwarding=self.forwarding, statement_id__in=[row.pk for row in rows]
            ).delete()
            return
        if status not in REFUSED:
            raise TargetUnavailable(
                _("%(url)s answered %(status)s: %(message)s")
                % {"url": self.target.url, "status": status, "message": message or "-"}
            )
        if len(rows) > 1:
            middle = len(rows) // 2
            self.send(rows[:middle])
            self.send(rows[middle:])
            return
        ForwardingRejection.objects.update_or_create(
            forwarding=self.forwarding, statement=rows[0], defaults={"status": status, "message": message}
        )
        self.outcome.rejected += 1
        self.refused_in_a_row += 1
        log.warning("lrs forwarding %s: statement %s refused (%s): %s", self.forwarding.pk,
                    rows[0].statement_id, status, message)  # fmt: skip
        if self.refused_in_a_row >= REJECTIONS_BEFORE_PAUSE:
            raise TargetUnavailable(
                _(
                    "The other LRS refused %(count)s statements in a row (last: %(status)s %(message)s): "
                    "check the endpoint, the xAPI version and the credential."
                )
                % {"count": self.refused_in_a_row, "status": status, "message": message}
            )

    def batches(self, limit: int) -> None:
        forwarding = self.forwarding
        for _turn in range(limit):
            rows, late, cursor, gaps = self.next_batch()
            if rows:
                self.send(rows)
            if cursor == forwarding.cursor and gaps == forwarding.gaps and not rows:
                return
            forwarding.cursor, forwarding.gaps = cursor, gaps
            fields = ["cursor", "gaps"]
            if rows:
                forwarding.forwarded += len(rows)
                forwarding.last_forwarded_at = timezone.now()
                fields += ["forwarded", "last_forwarded_at"]
            forwarding.save(update_fields=fields)
        self.outcome.more = True


def forward_once(
    forwarding: Forwarding, *, now: dt.datetime | None = None, batches: int = BATCHES_PER_TURN
) -> Outcome:
    """Send what is pending (up to `batches` batches); record success or schedule the next attempt."""
    now = now or timezone.now()
    owner = owner_name()
    if not claim(forwarding, owner, now):
        return Outcome(skipped="busy")
    try:
        forwarding.refresh_from_db()
        if not forwarding.enabled:
            return Outcome(skipped="disabled")
        if forwarding.next_attempt_at and forwarding.next_attempt_at > now:
            return Outcome(skipped="waiting")
        run = None
        try:
            run = Run(forwarding, now)
            run.batches(batches)
        except (TargetUnavailable, crypto.SecretUnreadable) as error:
            outcome = run.outcome if run else Outcome()
            outcome.error = str(getattr(error, "message", error))
            record_failure(forwarding, outcome.error, now)
            return outcome
        if forwarding.failures or forwarding.last_error or forwarding.next_attempt_at:
            forwarding.failures, forwarding.failing_since = 0, None
            forwarding.next_attempt_at, forwarding.last_error = None, ""
            forwarding.save(update_fields=["failures", "failing_since", "next_attempt_at", "last_error"])
        return run.outcome
    finally:
        release(forwarding, owner)


def backoff_seconds(failures: int) -> float:
    return min(BACKOFF_FIRST * 2 ** max(failures - 1, 0), BACKOFF_MAX)


def record_failure(forwarding: Forwarding, message: str, now: dt.datetime) -> None:
    forwarding.failures += 1
    forwarding.failing_since = forwarding.failing_since or now
    forwarding.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(forwarding.failures))
    forwarding.last_error = message[:2000]
    forwarding.save(update_fields=["failures", "failing_since", "next_attempt_at", "last_error"])
    log.warning("lrs forwarding %s to %s failed (attempt %s, next at %s): %s", forwarding.pk,
                forwarding.endpoint, forwarding.failures, forwarding.next_attempt_at, message)  # fmt: skip


def forward_all(
    *, city: City | None = None, now: dt.datetime | None = None, ignore_backoff: bool = False
) -> list[tuple[Forwarding, Outcome]]:
    """One turn for every enabled forwarding (of one city) whose next attempt is due."""
    now = now or timezone.now()
    rows = Forwarding.objects.filter(enabled=True).select_related("city").order_by("pk")
    if city is not None:
        rows = rows.filter(city=city)
    if not ignore_backoff:
        rows = rows.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    results = []
    for forwarding in rows:
        if ignore_backoff and forwarding.next_attempt_at:
            Forwarding.objects.filter(pk=forwarding.pk).update(next_attempt_at=None)
        results.append((forwarding, forward_once(forwarding, now=None if ignore_backoff else now)))
    return results


# --- the background job -------------------------------------------------------------------------------

_wake = threading.Event()


def wake(**kwargs) -> None:
    """statements_stored receiver: new statements in this process, look now (the cursor stays the truth)."""
    _wake.set()


# Under load every statement this process stores wakes the forwarder; it looks at most once per this many
# seconds (a look is a query even when nothing is to be sent: once per statement it cost the LRS ~10 % of
# its single-statement rate, docs/benchmarks.md).
WAKE_MIN_GAP = 0.25


def wait_for_statements(stop: threading.Event, interval: float) -> None:
    """Wait `interval` seconds or until statements are stored here,
    then at least WAKE_MIN_GAP (unless stopped)."""
    if _wake.wait(interval):
        stop.wait(WAKE_MIN_GAP)
    _wake.clear()


def follow(*, interval: float | None = None, stop: threading.Event | None = None) -> None:
    """Forward every `interval` seconds (sooner when this process stores statements) until `stop` is set."""
    interval = interval if interval is not None else settings.RIANRU_LRS_FORWARD_INTERVAL
    stop = stop or threading.Event()
    statements_stored.connect(wake, dispatch_uid="rianru.lrs.forwarding.wake")
    while not stop.is_set():
        more = False
        try:
            for forwarding, outcome in forward_all():
                more = more or outcome.more
                if outcome.sent or outcome.rejected:
                    log.info(
                        "lrs forwarding %s: %s sent, %s refused",
                        forwarding.pk,
                        outcome.sent,
                        outcome.rejected,
                    )
        except Exception:
            log.exception("lrs forwarding: the run failed; trying again")
        finally:
            close_old_connections()
        if not more:
            wait_for_statements(stop, interval)


_thread: threading.Thread | None = None


def start_in_background() -> bool:
    """Run `follow()` in a daemon thread of one server worker per machine (a file lock, like the indexer)."""
    global _thread
    if settings.RIANRU_LRS_FORWARDER != "thread" or (_thread and _thread.is_alive()):
        return False

    _thread = start_locked_thread(
        name="rianru-lrs-forwarder", lock_path=settings.DATA_DIR / ".lrs-forwarder.lock", target=follow
    )
    return True
