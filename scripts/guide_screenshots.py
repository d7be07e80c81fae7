"""Screenshots of the portal's own pages for the guide « Publier vos données ».

Builds a fixture portal whose only dataset is the guide's sample subsidies export imported by
``portal import`` (as the import workflow does), serves it, and saves cropped 1280 px
screenshots under portal/site/assets/guide/. Run: .venv/bin/python scripts/guide_screenshots.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser_support import launched_browser, open_page, serving  # noqa: E402
from tests.portal_fixture import make_portal, mkdocs_build  # noqa: E402

OUT = ROOT / "portal" / "site" / "assets" / "guide"
SAMPLE = ROOT / "portal" / "site" / "assets" / "exemples" / "subventions-exemple.csv"
# (file, page, the part of the 1280 px page kept: the content column, without the menus)
SHOTS = [
    ("page-du-jeu.png", "jeux/subventions-exemple/", {"x": 280, "y": 90, "width": 720, "height": 330}),
    ("qualite.png", "qualite/", {"x": 280, "y": 90, "width": 720, "height": 550}),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "imports").mkdir()
        shutil.copy(SAMPLE, folder / "imports" / SAMPLE.name)
        portal = Path(sys.executable).with_name("portal")
        subprocess.run([str(portal), "import", "imports", "--body", "pr-body.md"], cwd=folder, check=True)
        with serving(folder / "site") as base:
            make_portal(folder, [], site_url=base)
            result = mkdocs_build(folder)
            if result.returncode != 0:
                sys.exit(result.stderr)
            with launched_browser() as browser:
                for name, url, clip in SHOTS:
                    page, *_ = open_page(browser, base + url, width=1280)
                    page.screenshot(path=str(OUT / name), clip=clip)
                    page.context.close()
    for name, *_ in SHOTS:
        print(OUT / name, (OUT / name).stat().st_size, "octets")


if __name__ == "__main__":
    main()
