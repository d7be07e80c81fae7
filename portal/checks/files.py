"""Resource files: present, inside the dataset folder, non-empty, UTF-8 (see portal.files)."""

from __future__ import annotations

from collections.abc import Iterator

from portal.checks.base import Context
from portal.problems import Problem

NAME = "files"


def run(context: Context) -> Iterator[Problem]:
    for resource_file in context.files:
        yield from resource_file.problems
