"""The open-data checklist: one module per check, listed here explicitly, in running order."""

from portal.checks import (
    descriptions,
    files,
    formats,
    freshness,
    licence,
    metadata,
    personal_data,
    profile,
    scdl,
    structure,
    views,
)

CHECKS = (profile, files, structure, scdl, licence, freshness, metadata, descriptions, formats, personal_data, views)
