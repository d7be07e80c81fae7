"""Personal data: columns whose values look like e-mail addresses, French phone numbers or NIR.

Large files are sampled: the check reads at most ``Options.sample_rows`` rows per resource.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator

from portal.checks.base import Context
from portal.files import ResourceFile, csv_dialect
from portal.problems import Problem, problem

NAME = "personal-data"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"^(?:(?:\+|00)33\s?(?:\(0\))?|0)\s?[1-9](?:[\s.-]?\d{2}){4}$")
NIR = re.compile(r"^([12])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2A|2B)\s?(\d{3})\s?(\d{3})(?:\s?(\d{2}))?$")
KINDS = {"email": "adresses électroniques", "phone": "numéros de téléphone", "nir": "numéros de sécurité sociale (NIR)"}


def nir_valid(value: str) -> bool:
    """A NIR: sex, year, month, place, order, and the key 97 - (number mod 97) when present."""
    match = NIR.match(value.strip())
    if not match:
        return False
    number = "".join(match.groups()[:6])
    key = match.group(7)
    if key is None:
        return True
    numeric = int(number.replace("2A", "19").replace("2B", "18"))
    return int(key) == 97 - numeric % 97


def kind_of(value: str) -> str | None:
    value = value.strip()
    if not value or len(value) > 320:
        return None
    # Cheap exits first (a large file has hundreds of thousands of cells): an address has an @,
    # a phone number starts with + or 0, a NIR with 1 or 2.
    if "@" in value and EMAIL.search(value):
        return "email"
    if value[0] not in "+012":
        return None
    if PHONE.match(value):
        return "phone"
    if nir_valid(value):
        return "nir"
    return None


def scan(resource_file: ResourceFile, limit: int) -> tuple[dict[tuple[str, str], int], int, bool]:
    """Counts of suspicious values per (column, kind), rows read, and whether the file was sampled."""
    dialect = csv_dialect(resource_file.descriptor)
    counts: Counter[tuple[str, str]] = Counter()
    rows = 0
    with resource_file.path.open(encoding=resource_file.encoding, errors="replace", newline="") as stream:
        reader = csv.reader(stream, delimiter=dialect["delimiter"], quotechar=dialect["quotechar"])
        header = next(reader, []) if dialect["header"] else []
        for row in reader:
            if rows >= limit:
                return counts, rows, True
            rows += 1
            for index, value in enumerate(row):
                kind = kind_of(value)
                if kind:
                    column = header[index] if index < len(header) and header[index] else f"colonne {index + 1}"
                    counts[(column, kind)] += 1
    return counts, rows, False


def run(context: Context) -> Iterator[Problem]:
    for resource_file in context.files:
        if resource_file.path is None or not resource_file.tabular or not resource_file.readable:
            continue
        try:
            counts, rows, sampled = scan(resource_file, context.options.sample_rows)
        except csv.Error:
            continue  # malformed CSV: the structure check reports it
        scope = f"sur les {rows} premières lignes lues" if sampled else f"sur {rows} lignes"
        for (column, kind), count in sorted(counts.items()):
            yield problem(
                "personal-data",
                f"{resource_file.label} : la colonne « {column} » contient {count} valeur(s) qui "
                f"ressemblent à des {KINDS[kind]} ({scope}).",
                "Retirez ou pseudonymisez ces données personnelles avant publication (RGPD), "
                "sauf si leur diffusion est prévue par la loi.",
                file=resource_file.label,
                field=column,
            )
