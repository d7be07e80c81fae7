"""A small fixture portal: the real mkdocs.yml and docs/ (the pages about this portal), over fixture datasets.

What every portal shares (theme, assets, guide and reference pages) comes from the installed plugin."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "tests" / "fixtures" / "packages"
MKDOCS = Path(sys.executable).with_name("mkdocs")


def make_portal(folder: Path, packages: list[str], site_url: str | None = "http://127.0.0.1:8000/") -> Path:
    """A portal project in ``folder`` whose datasets are copies of fixture packages."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs", folder / "docs", dirs_exist_ok=True)
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    if site_url is None:
        config = "\n".join(line for line in config.splitlines() if not line.startswith("site_url:"))
    else:
        config = config.replace(yaml.safe_load(config.split("docs_dir")[0])["site_url"], site_url)
    (folder / "mkdocs.yml").write_text(config, "utf-8")
    for package in packages:
        shutil.copytree(PACKAGES / package, folder / "datasets" / package, dirs_exist_ok=True)
    return folder


def mkdocs_build(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", str(folder / "mkdocs.yml")],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def build_package(
    folder: Path, base: str = "complet", descriptor: Callable[[dict], None] | None = None, files: dict | None = None
) -> Path:
    """Copy fixture package ``base`` to ``folder`` (its name the folder's), edit, write files."""
    shutil.copytree(PACKAGES / base, folder)
    data = json.loads((folder / "datapackage.json").read_text("utf-8"))
    data["name"] = folder.name
    if descriptor:
        descriptor(data)
    (folder / "datapackage.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    for file_name, content in (files or {}).items():
        target = folder / file_name
        if content is None:
            target.unlink()
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
    return folder
