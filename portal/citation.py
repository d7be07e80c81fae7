"""How to cite a dataset (or one of its charts): the sentence the pages and the README of the archive
show, and the formats reference managers import (BibTeX, RIS, CSL-JSON). Pure functions of the
descriptor and the address of the cited page.

A citation is dated with the year its source was published, not with the portal's last update:
the figures are the source's. The dataset's own version and its date (``modified``) say which
state of the portal's transcription was cited.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from typing import Any

from portal import formats
from portal.dataset import Dataset
from portal.metadata import licence_of, modified, publisher_name
from portal.text import clean

YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
UNDATED = "s. d."  # "sans date", what French bibliographies print for a work with no date


def _line(value: object) -> str:
    """Text on one line: no control character, no line break, no run of spaces."""
    return re.sub(r"\s+", " ", clean("" if value is None else str(value))).strip()


def _year_in(value: object) -> int | None:
    found = YEAR.search(str(value)) if isinstance(value, str | int) else None
    return int(found.group(1)) if found else None


def source_year(dataset: Dataset) -> int | None:
    """The year the data were first published: the earliest year among the sources, each dated by
    its ``published`` field, else its ``edition``, else a year in its title ("mai 2018", "2019-01-30",
    "04.12.2018 – Lyon" all read as years)."""
    years = []
    for source in dataset.objects("sources"):
        for key in ("published", "edition", "title"):
            year = _year_in(source.get(key))
            if year:
                years.append(year)
                break
    return min(years) if years else None


def year_of(dataset: Dataset) -> str:
    """The citation's year: the source's; for data with no dated source, the dataset's own date."""
    year = source_year(dataset)
    if year:
        return str(year)
    last = modified(dataset)
    return str(last.year) if last else UNDATED


def _version(dataset: Dataset) -> str | None:
    version = _line(dataset.get("version"))
    return version or None


def _version_text(dataset: Dataset) -> str:
    """ "version 1.0.0 du 22/11/2026", or what of it the descriptor says."""
    version, last = _version(dataset), modified(dataset)
    parts = [f"version {version}"] if version else []
    if last:
        parts.append(f"du {formats.day(last)}" if version else f"mise à jour du {formats.day(last)}")
    return " ".join(parts)


def citation_text(dataset: Dataset, page_url: str, title: str | None = None) -> str:
    """The plain-text citation: "Éditeur (2018). Titre [jeu de données], version 1.0.0 du 22/11/2026. URL".

    With ``title`` (a chart's), the cited work is that title, found in the dataset."""
    work = f"{_line(title)}, dans : {_line(dataset.title)}" if title else _line(dataset.title)
    version = _version_text(dataset)
    return (
        f"{_line(publisher_name(dataset))} ({year_of(dataset)}). {work} [jeu de données]"
        + (f", {version}" if version else "")
        + f". {_line(page_url)}"
    )


# --- BibTeX ----------------------------------------------------------------------------------

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: object) -> str:
    """Text safe in a braced BibTeX field: LaTeX's special characters escaped, on one line."""
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in _line(text))


def _url(page_url: str) -> str:
    # A URL is printed verbatim by biblatex: no escaping, but nothing that could close the field.
    return re.sub(r"[\s{}\\]", "", _line(page_url))


def citation_key(dataset: Dataset, title: str | None = None) -> str:
    """An ASCII key such as ``barometre2018_2018``: letters and digits of the name, then the year."""
    ascii_name = unicodedata.normalize("NFKD", dataset.name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "", ascii_name.lower()) or "jeu"
    if title:
        slug = unicodedata.normalize("NFKD", _line(title)).encode("ascii", "ignore").decode()
        key += "-" + (re.sub(r"[^a-z0-9]+", "", slug.lower())[:24] or "graphique")
    return f"{key}_{year_of(dataset).replace('. ', '').replace('.', '')}"


def bibtex(dataset: Dataset, page_url: str, title: str | None = None) -> str:
    fields = [
        ("author", "{" + bibtex_escape(publisher_name(dataset)) + "}"),  # double braces: an organisation
        ("title", bibtex_escape(title or dataset.title)),
    ]
    if title:
        fields.append(("booktitle", bibtex_escape(dataset.title)))
    fields.append(("year", bibtex_escape(year_of(dataset))))
    if _version(dataset):
        fields.append(("version", bibtex_escape(_version(dataset))))
    notes = ["Jeu de données"]
    if _version_text(dataset):
        notes.append(_version_text(dataset))
    licence = licence_of(dataset)
    if licence:
        notes.append(f"licence : {licence.title}")
    fields += [("note", bibtex_escape(", ".join(notes))), ("url", _url(page_url))]
    lines = [f"  {name} = {{{value}}}," for name, value in fields]
    return "@misc{" + citation_key(dataset, title) + ",\n" + "\n".join(lines) + "\n}"


# --- RIS -------------------------------------------------------------------------------------


def ris(dataset: Dataset, page_url: str, title: str | None = None) -> str:
    """RIS, as Zotero, EndNote and Mendeley import it: one ``XX  - value`` per line, DATA type."""
    lines = [
        ("TY", "DATA"),
        ("AU", publisher_name(dataset)),
        ("TI", title or dataset.title),
    ]
    if title:
        lines.append(("T2", dataset.title))
    year = year_of(dataset)
    if year != UNDATED:
        lines.append(("PY", year))
    last = modified(dataset)
    if last:
        lines.append(("DA", last.strftime("%Y/%m/%d")))
    if _version(dataset):
        lines.append(("ET", _version(dataset)))
    licence = licence_of(dataset)
    lines += [("UR", _url(page_url)), ("LA", "fr")]
    if licence:
        lines.append(("N1", f"Licence : {licence.title}"))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {_line(value)}" for tag, value in lines)


# --- CSL-JSON --------------------------------------------------------------------------------


def _date_parts(day: date) -> dict[str, Any]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl(dataset: Dataset, page_url: str, title: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item (Zotero, Pandoc, citeproc): type ``dataset``, issued the source's year."""
    item: dict[str, Any] = {
        "id": citation_key(dataset, title),
        "type": "dataset",
        "title": _line(title or dataset.title),
        "author": [{"literal": _line(publisher_name(dataset))}],
        "URL": _url(page_url),
        "language": "fr",
        "medium": "Jeu de données",
    }
    if title:
        item["container-title"] = _line(dataset.title)
    year = source_year(dataset) or (modified(dataset).year if modified(dataset) else None)
    if year:
        item["issued"] = {"date-parts": [[year]]}
    if _version(dataset):
        item["version"] = _version(dataset)
    last = modified(dataset)
    if last:
        item["available-date"] = _date_parts(last)  # the date of the cited version
    licence = licence_of(dataset)
    if licence:
        item["license"] = licence.title
    return item


def csl_json(dataset: Dataset, page_url: str, title: str | None = None) -> str:
    """A list of one item, the form Zotero and Pandoc import; one key a line, so that it reads on a page."""
    item = csl(dataset, page_url, title)
    keys = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in item.items())
    return "[\n  {\n" + keys + "\n  }\n]"


# The formats reference managers import: the key of each in citation_data, its file's suffix, its name.
FORMATS = (("bibtex", "bib", "BibTeX"), ("ris", "ris", "RIS"), ("csl", "json", "CSL-JSON"))


def citation_data(dataset: Dataset, page_url: str, title: str | None = None) -> dict[str, str]:
    """Every form of the citation of the page at ``page_url``, for the pages' ``citation_block``."""
    return {
        "text": citation_text(dataset, page_url, title),
        "bibtex": bibtex(dataset, page_url, title),
        "ris": ris(dataset, page_url, title),
        "csl": csl_json(dataset, page_url, title),
    }
