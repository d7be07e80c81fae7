"""The fast engine: frictionless' findings on a local CSV, vectorised with polars, with exact counts.

``validate`` reads the file in batches (``reading``: each parsed once, the next one by a thread
while this one is checked), marks the cells that are certainly valid with vectorised expressions
(``casting`` and ``constraints``, once per distinct value where a column repeats: ``distinct``),
reads every other row as frictionless reads it (``cells``: frictionless' cell readers and row
processing, its notes and messages, checked against frictionless by the differential tests), and
checks ``unique`` fields and the primary key over the whole file (``keys``). ``unsupported`` says
why a resource is left to frictionless (a dialect, a type, a constraint or a schema that the fast
path does not cover).
"""

from portal.fastcheck.engine import LIMIT, TableResult, unsupported, validate

__all__ = ["LIMIT", "TableResult", "unsupported", "validate"]
