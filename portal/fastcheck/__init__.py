"""The fast engine: frictionless' findings on a local CSV, vectorised with polars, with exact counts.

``validate`` reads the file in batches (``reading``), marks the cells that are certainly valid with
vectorised expressions (``casting`` and ``constraints``), hands every other row to frictionless' own
row reader (so the findings are frictionless' to the character), and checks ``unique`` fields and
the primary key over the whole file (``keys``). ``unsupported`` says why a resource is left to
frictionless (a dialect, a type or a constraint that the fast path does not cover).
"""

from portal.fastcheck.engine import LIMIT, TableResult, unsupported, validate

__all__ = ["LIMIT", "TableResult", "unsupported", "validate"]
