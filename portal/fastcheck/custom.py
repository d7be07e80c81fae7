"""The SCDL custom checks (portal/scdl/checks.py) over the fast path's batches.

Vectorised masks mark the rows that a check certainly passes (a valid SIRET by its Luhn sums, an
RNA number by its pattern, one of two columns filled); every other row goes through the check's
own Python code, so the findings are the same as the streamed check's, in the same order. A check
without a mask reads every row in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from portal.fastcheck import distinct, reading
from portal.scdl.checks import (
    LA_POSTE_HEAD_OFFICE,
    LA_POSTE_SIREN,
    CustomCheck,
    Finding,
    OneOfRequired,
    RnaValue,
    SiretValue,
    build,
    header_findings,
)

ROW = "__row__"


def _digits(number: pl.Expr, length: int) -> list[pl.Expr]:
    """The digits of an integer, from the right: integer arithmetic, faster than slicing strings."""
    return [(number // 10**position) % 10 for position in range(length)]


def _luhn(number: pl.Expr, length: int) -> pl.Expr:
    """The Luhn sum of an integer of ``length`` digits is a multiple of 10."""
    total = []
    for position, digit in enumerate(_digits(number, length)):
        # A doubled digit over 9 counts for its two digits' sum: 2d - 9 when d >= 5.
        total.append(digit * 2 - (digit >= 5).cast(pl.Int64) * 9 if position % 2 else digit)
    return pl.sum_horizontal(total) % 10 == 0


def certainly_passes(check: CustomCheck, labels: Sequence[str], missing: list[str]) -> pl.Expr | None:
    """True where the check certainly finds nothing; None when the check has no mask."""

    def absent_or_missing(name: str) -> pl.Expr:
        return pl.col(name).is_in(missing) if name in labels else pl.lit(True)

    if isinstance(check, SiretValue | RnaValue):
        column = check.params.get("column")
        if column not in labels:
            return pl.lit(True)
        cell = pl.col(column)
        if isinstance(check, RnaValue):
            valid = cell.str.contains(r"^W[0-9]{9}$")
        else:
            la_poste = cell.str.starts_with(LA_POSTE_SIREN) & (cell != LA_POSTE_HEAD_OFFICE)
            number = cell.str.to_integer(strict=False)
            digit_sum = pl.sum_horizontal(_digits(number, 14))
            luhn = _luhn(number // 10**5, 9) & _luhn(number, 14)
            valid = cell.str.contains(r"^[0-9]{14}$") & ((la_poste & (digit_sum % 5 == 0)) | (~la_poste & luhn))
        return (absent_or_missing(column) | valid).fill_null(False)
    if isinstance(check, OneOfRequired):
        present = [name for name in check.columns if name in labels]
        if not present:
            return pl.lit(True)
        return pl.any_horizontal([~pl.col(name).is_in(missing) for name in present]).fill_null(False)
    return None


class Runner:
    """The custom checks of a schema, fed batch by batch; findings kept up to ``limit``, all counted."""

    def __init__(self, schema: Mapping[str, Any], labels: list[str], limit: int):
        self.labels = labels
        self.limit = limit
        self.found: list[Finding] = []
        self.counts: dict[str, int] = {}
        self.checks = build(schema)
        self.missing = list(schema.get("missingValues", [""]))
        masks = [certainly_passes(check, labels, self.missing) for check in self.checks]
        self.fine = pl.lit(False) if any(mask is None for mask in masks) else pl.all_horizontal(masks)
        self.masks = masks
        self._add(header_findings(schema, labels))
        for check in self.checks:
            self._add(check.start(labels))

    def _add(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.counts[finding.code] = self.counts.get(finding.code, 0) + 1
            if len(self.found) < self.limit:
                self.found.append(finding)

    def mask(self, frame: pl.DataFrame) -> pl.Expr:
        """True on the rows of this batch that every check certainly passes."""
        if not self.checks:
            return pl.lit(True)
        if any(mask is None for mask in self.masks):
            return self.fine
        return pl.all_horizontal(
            [self._by_value(check, frame, mask) for check, mask in zip(self.checks, self.masks, strict=True)]
        )

    def examine(self, suspects: pl.DataFrame) -> None:
        """The checks' own code on the rows the mask is not sure of (row number first, then the labels)."""
        for values in suspects.select(ROW, *self.labels).iter_rows():
            number, cells = values[0], dict(zip(self.labels, values[1:], strict=True))
            for check in self.checks:
                self._add(check.row(number, cells))

    def __call__(self, first: int, frame: pl.DataFrame) -> None:
        suspects = frame.lazy().with_row_index(ROW, offset=first).filter(~self.mask(frame)).collect()
        self.examine(suspects)

    def _by_value(self, check: CustomCheck, frame: pl.DataFrame, mask: pl.Expr) -> pl.Expr:
        """A value check over a column with few distinct values (the attributor's SIRET on every row):
        the check's own code on each distinct value is cheaper, and exact, than the vectorised sums."""
        column = check.params.get("column") if isinstance(check, SiretValue | RnaValue) else None
        if column not in self.labels:
            return mask
        return distinct.lookup_python(frame, column, lambda v: v in self.missing or not check.error(v), mask)


def findings(
    schema: Mapping[str, Any], path: Path, labels: list[str], delimiter: str, quotechar: str, limit: int = 1000
) -> list[Finding]:
    """The same findings as portal.checks.scdl.findings (the first ``limit``), for a file the fast path reads."""
    runner = Runner(schema, labels, limit)
    for first, frame in reading.batches(path, labels, delimiter, quotechar):
        runner(first, frame)
    return runner.found
