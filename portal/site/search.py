"""The site's search index, built by Pagefind over the finished site.

Pagefind splits the index into small chunks: a page downloads nothing of it until someone
searches (portal/site/assets/js/search.js), and a query fetches only the chunks of its words, however
many datasets the portal has. Each page says its language (``<html lang="fr">``), which gives
Pagefind its French stemming. Only the main content is indexed: portal/site/theme/main.html marks it
with ``data-pagefind-body``, so the navigation, header and footer are left out, and pages
without it (the search page, the 404, the catalogue's lists) are not results.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FOLDER = "pagefind"  # under the site root: pagefind.js, its wasm, the index chunks and fragments
# Not indexed inside the main content: the ¶ of each heading, which would show in excerpts.
EXCLUDED = ".headerlink"
PAGES = re.compile(r"Indexed (\d+) pages?")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says what it reported."""


def index_site(site: Path) -> int:
    """Index the built ``site`` into ``site/pagefind/``; the number of pages indexed."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", FOLDER]
    command += ["--exclude-selectors", EXCLUDED]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"l'index de recherche n'a pas pu être construit ({error}).") from None
    output = result.stdout + result.stderr
    pages = PAGES.search(output)
    if result.returncode != 0 or pages is None or int(pages.group(1)) == 0:
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "aucun message")
        raise SearchIndexError(
            f"l'index de recherche n'a pas pu être construit (Pagefind : {last}) ; "
            "vérifiez que pagefind est installé (pip install -e .) et que le site contient des pages."
        )
    return int(pages.group(1))
