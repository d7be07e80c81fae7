"""A cell mask computed once per distinct value, when a batch repeats few values.

Collectivity files repeat themselves: the attributor's SIRET on every row, a few dates, an
enumeration. On such a column, testing each distinct value and looking the cells up is cheaper
than testing every cell, and gives the same answer: the mask depends on the cell's value alone.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

GLANCE = 1_000  # cells looked at first: a column of identifiers shows its variety at once
FEW = 64  # at most this many distinct values among them
SHARE = 20  # and, over the batch, at most one distinct value per SHARE cells


def repeated_values(frame: pl.DataFrame, name: str) -> pl.Series | None:
    """The column's distinct values when it repeats few of them, else None."""
    cells = frame.get_column(name)
    if cells.head(GLANCE).n_unique() > FEW:
        return None
    values = cells.unique()
    return values if values.len() <= max(frame.height // SHARE, 1) else None


def lookup(frame: pl.DataFrame, name: str, mask: pl.Expr) -> pl.Expr:
    """``mask``, an expression of column ``name`` alone, as a lookup of the values where it holds."""
    values = repeated_values(frame, name)
    if values is None:
        return mask
    return pl.col(name).is_in(values.to_frame().filter(mask).get_column(name).to_list())


def lookup_python(frame: pl.DataFrame, name: str, passes: Callable[[str], bool], mask: pl.Expr) -> pl.Expr:
    """Like ``lookup``, with a Python test of each distinct value (a check's own code, exact)."""
    values = repeated_values(frame, name)
    if values is None:
        return mask
    return pl.col(name).is_in([value for value in values.to_list() if passes(value)])
