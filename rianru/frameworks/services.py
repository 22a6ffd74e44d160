"""Load the shipped reference data (SDGs, SDG 4 targets, UNESCO KFLC) into the database, idempotently."""

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from rianru.core.errors import ValidationFailed
from rianru.frameworks.models import KflcItem, ReferenceDataset, SdgGoal, SdgTarget

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = {"sdg-goals": "sdg-goals.csv", "sdg4-targets": "sdg4-targets.csv", "kflc": "kflc.csv"}


@dataclass(frozen=True)
class LoadResult:
    name: str
    version: str
    rows: int
    changed: bool


def _read(path: Path) -> tuple[list[dict], str]:
    if not path.is_file():
        raise ValidationFailed(_("Reference file %(path)s is missing.") % {"path": path}, code="missing_file")
    raw = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    return rows, hashlib.sha256(raw).hexdigest()


def _goal_numbers(links: str) -> set[int]:
    """'4.4.1, 17.8' -> {4, 17}."""
    return {int(m) for m in re.findall(r"(?:^|[\s,])(\d{1,2})(?=[.,\s]|$)", links) if 1 <= int(m) <= 17}


def reference_version(data_dir: Path = DATA_DIR) -> str:
    return (data_dir / "VERSION").read_text().strip()


@transaction.atomic
def reference_load(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    """Upsert every reference dataset; rows no longer in a file are removed. Returns what changed."""
    version = reference_version(data_dir)
    loaders = {"sdg-goals": _load_goals, "sdg4-targets": _load_targets, "kflc": _load_kflc}
    results = []
    for name, filename in FILES.items():
        rows, digest = _read(data_dir / filename)
        current = ReferenceDataset.objects.filter(name=name).first()
        changed = current is None or current.sha256 != digest or current.version != version
        if changed:
            loaders[name](rows)
            ReferenceDataset.objects.update_or_create(
                name=name, defaults={"version": version, "sha256": digest, "rows": len(rows)}
            )
        results.append(LoadResult(name=name, version=version, rows=len(rows), changed=changed))
    return results


def _load_goals(rows: list[dict]) -> None:
    for row in rows:
        SdgGoal.objects.update_or_create(
            number=int(row["goal"]),
            defaults={
                "name_en": row["name_en"],
                "goal_en": row["goal_en"],
                "name_th": row["name_th"],
                "name_th_alt": row["name_th_alt"],
                "colour": row["colour"],
            },
        )
    SdgGoal.objects.exclude(number__in=[int(r["goal"]) for r in rows]).delete()


def _load_targets(rows: list[dict]) -> None:
    for position, row in enumerate(rows, start=1):
        SdgTarget.objects.update_or_create(
            code=row["target"],
            defaults={
                "goal_id": int(row["target"].split(".")[0]),
                "position": position,
                "name_en": row["name_en"],
                "name_th": row["name_th"],
                "target_en": row["target_en"],
                "global_indicator": row["global_indicator"],
            },
        )
    SdgTarget.objects.exclude(code__in=[r["target"] for r in rows]).delete()


def _load_kflc(rows: list[dict]) -> None:
    goals = {g.number: g for g in SdgGoal.objects.all()}
    for position, row in enumerate(rows, start=1):
        code = row["id"]
        parent = code.rsplit(".", 1)[0] if "." in code else None
        item, _created = KflcItem.objects.update_or_create(
            code=code,
            defaults={
                "level": row["level"],
                "parent_id": parent,
                "position": position,
                "title_en": row["title_en"],
                "title_th": row.get("title_th") or row["title_en"],
                "confidence": row.get("confidence", ""),
                "sdg_links": row.get("sdg_links", ""),
                "suggested_measurement_en": row.get("suggested_measurement_en", ""),
                "suggested_measurement_th": row.get("suggested_measurement_th", ""),
            },
        )
        item.sdg_goals.set([goals[n] for n in sorted(_goal_numbers(row.get("sdg_links", ""))) if n in goals])
    KflcItem.objects.exclude(code__in=[r["id"] for r in rows]).delete()
