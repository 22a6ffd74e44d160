"""Reads of the reference data: which shipped datasets are loaded, and at which version."""

from dataclasses import dataclass
from pathlib import Path

from rianru.frameworks.models import ReferenceDataset
from rianru.frameworks.services import DATA_DIR, FILES, reference_version


@dataclass(frozen=True)
class DatasetState:
    name: str
    expected_version: str
    loaded_version: str | None
    rows: int

    @property
    def is_current(self) -> bool:
        return self.loaded_version == self.expected_version


def reference_state(*, data_dir: Path = DATA_DIR) -> list[DatasetState]:
    """Every shipped dataset, with the version this release ships and the version the database holds."""
    expected = reference_version(data_dir)
    loaded = {row.name: row for row in ReferenceDataset.objects.filter(name__in=FILES)}
    return [
        DatasetState(
            name=name,
            expected_version=expected,
            loaded_version=loaded[name].version if name in loaded else None,
            rows=loaded[name].rows if name in loaded else 0,
        )
        for name in FILES
    ]
