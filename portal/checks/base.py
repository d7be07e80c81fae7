"""What every check receives: the dataset, its resolved files and the run's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.dataset import Dataset
from portal.files import ResourceFile


@dataclass(frozen=True)
class Options:
    today: date = field(default_factory=date.today)
    strict: bool = False
    allow_remote: bool = False
    # Rows read per resource by the personal-data check before it stops (large files are sampled).
    sample_rows: int = 50_000


@dataclass
class Context:
    dataset: Dataset
    files: list[ResourceFile]
    options: Options
    # One entry per tabular resource from the structure check: the engine that validated it and its counts.
    tables: list[dict] = field(default_factory=list)
