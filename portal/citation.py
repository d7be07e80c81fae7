"""How to cite a dataset: the sentence the dataset page and the README of its archive show, and
BibTeX. Pure functions of the descriptor and the dataset's page URL."""

from __future__ import annotations

import re

from portal.dataset import Dataset
from portal.metadata import licence_of, modified, publisher_name


def year_of(dataset: Dataset) -> str:
    last = modified(dataset)
    return str(last.year) if last else "s. d."


def citation_text(dataset: Dataset, page_url: str) -> str:
    version = dataset.get("version")
    version_text = f", version {version}" if version else ""
    return f"{publisher_name(dataset)} ({year_of(dataset)}). {dataset.title}{version_text}. Jeu de données. {page_url}"


def bibtex(dataset: Dataset, page_url: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "", dataset.name.lower()) + year_of(dataset)

    def braces(text: str) -> str:
        return re.sub(r"[{}\\]", "", text)

    fields = [
        f"  title = {{{braces(dataset.title)}}},",
        f"  author = {{{{{braces(publisher_name(dataset))}}}}},",
        f"  year = {{{year_of(dataset)}}},",
        f"  url = {{{page_url}}},",
    ]
    if dataset.get("version"):
        fields.append(f"  version = {{{braces(str(dataset.get('version')))}}},")
    licence = licence_of(dataset)
    if licence:
        fields.append(f"  note = {{Licence : {braces(licence.title)}}},")
    return "@misc{" + key + ",\n" + "\n".join(fields) + "\n}"
