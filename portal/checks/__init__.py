"""The open-data checklist: one module per check, listed here explicitly, in running order."""

from portal.checks import (
    descriptions,
    files,
    formats,
    freshness,
    licence,
    links,
    metadata,
    personal_data,
    profile,
    scdl,
    structure,
    text,
    views,
)

CHECKS = (
    profile,
    files,
    structure,
    scdl,
    licence,
    freshness,
    metadata,
    links,
    text,
    descriptions,
    formats,
    personal_data,
    views,
)
