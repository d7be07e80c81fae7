"""Hostile names and paths: nothing is written outside the output folder, nothing read outside the package.

A name that becomes a file or URL name (dataset folder, ``name``, resource and view names) follows
one rule (portal/paths.py), checked by ``portal validate`` (``name-unsafe``); every writer refuses,
in depth, a path that would resolve outside its folder. A schema given as a path stays inside the
package (``schema-path-unsafe``). Each attack is aimed at a real folder (``elsewhere/``) so that a
missing defence would really write there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    PORTAL,
    assert_no_traceback,
    build_package,
    mkdocs_build,
    portal_with,
    run_portal,
)

# From <out>/<dataset>/ (a chart folder, or donnees/<dataset>/ of the site) up to the test's tmp_path.
ESCAPE = "../../../elsewhere/x"


def snapshot(root: Path, *outputs: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` outside the ``outputs`` folders, with its size and modification time."""
    found = {}
    for path in root.rglob("*"):
        if any(path == out or out in path.parents for out in outputs):
            continue
        if path.is_file() or path.is_symlink():
            stat = path.lstat()
            found[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def set_view_name(name: str):
    return lambda d: d["views"][0].update(name=name)


def set_resource_name(name: str):
    return lambda d: d["resources"][0].update(name=name)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """The folder every attack aims at: it exists, so a path escaping into it would be written."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


# --- portal validate: the naming rule --------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "fault"),
    [
        (set_view_name(ESCAPE), "contient le séparateur de dossiers « / »"),
        (set_view_name("x" * 101), "fait 101 caractères (au plus 100)"),
        (set_view_name("type-2018\n"), "finit par un saut de ligne"),
        (set_resource_name("../../../elsewhere/x"), "contient le séparateur de dossiers « / »"),
        (set_resource_name("reponses\n"), "finit par un saut de ligne"),
        (set_resource_name("Réponses"), "contient la majuscule « R »"),
        (lambda d: d.update(name="hostile\n"), "finit par un saut de ligne"),
        (lambda d: d.update(name=".hostile"), "commence par « . »"),
        (set_resource_name("nul"), "est un nom réservé par Windows (« nul »)"),
        (set_view_name("com1.svg"), "est un nom réservé par Windows (« com1 »)"),
    ],
    ids=[
        "view-escape",
        "view-long",
        "view-newline",
        "resource-escape",
        "resource-newline",
        "resource-upper",
        "name-newline",
        "name-dot",
        "resource-windows",
        "view-windows",
    ],
)
def test_validate_refuses_an_unsafe_name(hostile, edit, fault):
    folder = hostile("hostile", base="graphiques", descriptor=edit)
    result = run_portal("validate", str(folder))
    assert_no_traceback(result)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if "[name-unsafe]" in line]
    assert len(lines) == 1, result.stdout  # one problem, said once (not also as profile-invalid)
    assert fault in lines[0] and "datapackage.json" in lines[0]
    assert "[profile-invalid]" not in result.stdout
    assert "\x1b" not in result.stdout and "hostile\n »" not in result.stdout  # the name is shown escaped


def test_validate_refuses_an_unsafe_dataset_folder(tmp_path):
    folder = build_package(tmp_path / "datasets" / "jeu hostile", "complet")
    result = run_portal("validate", str(folder))
    assert_no_traceback(result)
    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if "[name-unsafe]" in line]
    assert "le dossier du jeu s'appelle « jeu hostile »" in line and "contient une espace" in line
    assert "« jeu-hostile »" in result.stdout  # the fix names a safe name


def test_json_report_gives_the_code_and_the_field(hostile):
    folder = hostile("hostile", base="graphiques", descriptor=set_resource_name("a/b"))
    report = json.loads(run_portal("validate", "--format", "json", str(folder)).stdout)
    [found] = [p for d in report["datasets"] for p in d["problems"] if p["code"] == "name-unsafe"]
    assert found["severity"] == "error" and found["check"] == "profile" and found["field"] == "resources.0.name"


# --- portal charts and the chart writer -------------------------------------------------------


def test_charts_refuses_a_view_name_that_escapes(hostile, tmp_path, elsewhere):
    folder = hostile("hostile", base="graphiques", descriptor=set_view_name(ESCAPE))
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)
    result = run_portal("charts", str(folder), "--out", str(out / "charts"))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "erreur : hostile : la vue n° 1 s'appelle « ../../../elsewhere/x »" in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert snapshot(tmp_path, out) == before


def test_charts_refuses_an_unsafe_dataset_folder(tmp_path):
    folder = build_package(tmp_path / "datasets" / "graphiques hostiles", "graphiques")
    out = tmp_path / "out"
    result = run_portal("charts", str(folder), "--out", str(out))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "le nom du dossier contient une espace" in result.stderr
    assert not out.exists() or list(out.rglob("*.svg")) == []


def test_chart_writer_refuses_an_escaping_view_name(hostile, tmp_path, elsewhere):
    """In depth: a view that slipped past validation still writes nothing outside the chart folder."""
    from portal.charts.declaration import read_views
    from portal.charts.render import load_tables, render_view
    from portal.dataset import load_dataset
    from portal.paths import UnsafePath

    dataset = load_dataset(hostile("hostile", base="graphiques"))
    views, _ = read_views(dataset.descriptor)
    views[0].name = ESCAPE
    out = tmp_path / "out"
    before = snapshot(tmp_path, out)
    with pytest.raises(UnsafePath):
        render_view(dataset, views[0], load_tables(dataset, views), out)
    assert list(elsewhere.iterdir()) == []
    assert snapshot(tmp_path, out) == before


def test_build_charts_turns_an_escaping_name_into_a_chart_error(hostile, tmp_path, elsewhere, monkeypatch):
    """Validation bypassed (views read without their checks): a one-line ChartError, nothing outside."""
    from portal.charts import render
    from portal.charts.declaration import read_views
    from portal.dataset import load_dataset

    def unchecked(descriptor):
        views, _ = read_views({**descriptor, "views": [{**v, "name": "sans-nom"} for v in descriptor["views"]]})
        views[0].name = ESCAPE
        return views, []

    monkeypatch.setattr(render, "read_views", unchecked)
    dataset = load_dataset(hostile("hostile", base="graphiques"))
    with pytest.raises(render.ChartError, match="graphique refusé, « ../../../elsewhere/x[.][a-z0-9.]+ » sortirait"):
        render.build_charts(dataset, tmp_path / "out")
    assert list(elsewhere.iterdir()) == []


# --- downloads, the catalogue and the site ----------------------------------------------------


def test_download_writer_refuses_an_escaping_resource_name(hostile, tmp_path, elsewhere):
    """In depth: ``write_downloads`` (also run by ``portal export dcat`` and the CKAN publisher) stays in ``out``."""
    from portal.dataset import load_dataset
    from portal.downloads import write_downloads
    from portal.paths import UnsafePath

    # donnees/hostile/<name>.csv: three levels up from <out>/donnees/hostile is tmp_path.
    dataset = load_dataset(hostile("hostile", base="complet", descriptor=set_resource_name("../../../elsewhere/x")))
    out = tmp_path / "site"
    out.mkdir()
    before = snapshot(tmp_path, out)
    with pytest.raises(UnsafePath):
        write_downloads(dataset, out, "https://exemple.fr/", "citation")
    assert list(elsewhere.iterdir()) == []
    assert snapshot(tmp_path, out) == before


@pytest.mark.parametrize(
    ("base", "edit"),
    [
        ("complet", set_resource_name("../../../../elsewhere/x")),
        ("graphiques", set_view_name("../../../../elsewhere/x")),
    ],
    ids=["resource", "view"],
)
def test_export_dcat_refuses_an_unsafe_name_and_writes_nothing(hostile, tmp_path, elsewhere, base, edit):
    hostile("hostile", base=base, descriptor=edit)
    hostile("voisin", base="complet")
    scratch = tmp_path / "tmp" / "inner"  # the export's temporary folder: four levels under tmp_path
    scratch.mkdir(parents=True)
    target = tmp_path / "catalog.ttl"
    before = snapshot(tmp_path)
    result = subprocess.run(
        [
            str(PORTAL),
            "export",
            "dcat",
            str(tmp_path / "datasets"),
            "--base-url",
            "https://exemple.fr/",
            "--out",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(scratch), "NO_COLOR": "1"},
    )
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.stderr.startswith("erreur : ") and "[name-unsafe]" not in result.stderr
    assert "« ../../../../elsewhere/x »" in result.stderr and "Renommez-l" in result.stderr
    assert not target.exists()
    assert list(elsewhere.iterdir()) == []
    assert snapshot(tmp_path) == before


def test_export_dcat_in_depth_stays_in_its_scratch_folder(hostile, tmp_path, elsewhere, monkeypatch):
    """Validation bypassed: the download writer's own guard still refuses, as a CatalogueError."""
    import tempfile

    from portal.catalog import export
    from portal.validate import Report

    hostile("hostile", base="complet", descriptor=set_resource_name("../../../../elsewhere/x"))
    scratch = tmp_path / "tmp" / "inner"
    scratch.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    original = export.validate_paths

    def without_problems(paths, options, **kwargs):
        report = original(paths, options, **kwargs)
        for dataset_report in report.datasets:
            dataset_report.problems = []
        return Report(report.options, report.datasets, [])

    monkeypatch.setattr(export, "validate_paths", without_problems)  # the name export_dcat calls
    with pytest.raises(export.CatalogueError, match="sortirait du dossier"):
        export.export_dcat(tmp_path / "datasets", "https://exemple.fr/", "turtle")
    assert list(elsewhere.iterdir()) == []


def test_mkdocs_build_refuses_hostile_names_and_schema_paths(tmp_path, elsewhere):
    """A real ``mkdocs build --strict``: refused with each dataset's reason, nothing written outside."""
    packages = tmp_path / "packages"
    outside = tmp_path / "outside.json"
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "packages" / "complet" / "datapackage.json", outside)
    outside.write_text(json.dumps(json.loads(outside.read_text("utf-8"))["resources"][0]["schema"]), "utf-8")
    # From <project>/.cache/charts/vue/, four levels up is tmp_path.
    view = build_package(packages / "vue", "graphiques", descriptor=set_view_name("../../../../elsewhere/x"))
    resource = build_package(packages / "ressource", "complet", descriptor=set_resource_name("../../../elsewhere/x"))
    schema = build_package(
        packages / "schema", "complet", descriptor=lambda d: d["resources"][0].update(schema=str(outside))
    )
    project = portal_with(tmp_path / "portal", [view, resource, schema])
    before = snapshot(tmp_path, project / "site", project / ".cache")
    result = mkdocs_build(project)
    assert_no_traceback(result)
    assert result.returncode != 0
    text = output(result)
    assert "- vue : " in text and "la vue n° 1 s'appelle « ../../../../elsewhere/x »" in text
    assert "- ressource : " in text and "la ressource n° 1 s'appelle « ../../../elsewhere/x »" in text
    assert "- schema : " in text and f"le schéma « {outside} »" in text
    assert list(elsewhere.iterdir()) == []
    assert snapshot(tmp_path, project / "site", project / ".cache") == before
    assert not (project / "site").exists()


def test_a_generated_page_outside_the_site_is_refused_before_mkdocs_sees_it(tmp_path, elsewhere, monkeypatch, caplog):
    """In depth: the pipeline writes each page into its folder only if its URI stays inside it (an
    absolute URI would be written where it points); the hook then hands MkDocs that folder alone."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from portal.site import build as pipeline

    project = portal_with(tmp_path / "portal", [build_package(tmp_path / "packages" / "complet")])
    original = pipeline.page_source
    target = elsewhere / "x" / "index.md"
    monkeypatch.setattr(pipeline, "page_source", lambda url: str(target) if url == "" else original(url))
    config = load_config(str(project / "mkdocs.yml"), strict=False)
    with pytest.raises(Abort):
        build(config)
    assert re.search("page refusée : « /.*/elsewhere/x/index.md » sortirait", caplog.text), caplog.text
    assert list(elsewhere.iterdir()) == []


# --- schemas follow the rule of resource paths ------------------------------------------------


def _outside_schema(tmp_path: Path) -> Path:
    """The complete fixture's own schema, outside the package: read, it would make the package valid."""
    schema = json.loads(
        (Path(__file__).parents[1] / "fixtures" / "packages" / "complet" / "datapackage.json").read_text("utf-8")
    )["resources"][0]["schema"]
    path = tmp_path / "outside" / "schema.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(schema), "utf-8")
    return path


@pytest.mark.parametrize("form", ["absolute", "dotdot", "symlink"])
def test_schema_path_outside_the_package_is_refused_and_not_read(hostile, tmp_path, form):
    outside = _outside_schema(tmp_path)
    declared = {"absolute": str(outside), "dotdot": "../../outside/schema.json", "symlink": "schema.json"}[form]
    folder = hostile("hostile", descriptor=lambda d: d["resources"][0].update(schema=declared))
    if form == "symlink":
        (folder / "schema.json").symlink_to(outside)
    result = run_portal("validate", str(folder))
    assert_no_traceback(result)
    assert result.returncode == 1
    [line] = [line for line in result.stdout.splitlines() if "[" in line and "erreur" in line]
    assert "[schema-path-unsafe]" in line and "sort du dossier du jeu" in line and "n'a pas été lu" in line


def test_schema_path_inside_the_package_is_read(hostile):
    schema = json.loads(
        (Path(__file__).parents[1] / "fixtures" / "packages" / "complet" / "datapackage.json").read_text("utf-8")
    )["resources"][0]["schema"]
    schema["fields"][2]["constraints"] = {"maximum": 0}  # read, this schema fails the data
    folder = hostile(
        "hostile", descriptor=lambda d: d["resources"][0].update(schema="schemas/participation.json"), files={}
    )
    (folder / "schemas").mkdir()
    (folder / "schemas" / "participation.json").write_text(json.dumps(schema), "utf-8")
    result = run_portal("validate", str(folder))
    assert_no_traceback(result)
    assert "[constraint-error]" in result.stdout and "[schema-" not in result.stdout


def test_frictionless_reads_no_dialect_or_profile_through_a_symlink(hostile, tmp_path):
    """Frictionless follows a dialect or profile given as a path: only vetted paths reach it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "dialect.json").write_text('{"delimiter": ";"}', "utf-8")
    (tmp_path / "outside" / "profile.json").write_text('{"type": "object", "required": ["absent"]}', "utf-8")

    def edit(d):
        d["resources"][0].update(dialect="dialect.json", profile="profile.json", encoding="iso-8859-1")

    folder = hostile("hostile", descriptor=edit)
    (folder / "dialect.json").symlink_to(tmp_path / "outside" / "dialect.json")
    (folder / "profile.json").symlink_to(tmp_path / "outside" / "profile.json")
    result = run_portal("validate", "--format", "json", str(folder))
    assert_no_traceback(result)
    found = {p["code"] for d in json.loads(result.stdout)["datasets"] for p in d["problems"]}
    # Read, the dialect would cut the columns (missing-label) and the profile fail the resource (schema-error).
    assert found == {"profile-invalid", "encoding-declared-not-utf8"}, found


def test_charts_and_export_dcat_take_nothing_from_an_outside_schema(hostile, tmp_path):
    outside = _outside_schema(tmp_path)
    folder = hostile("hostile", base="graphiques", descriptor=lambda d: d["resources"][1].update(schema=str(outside)))
    charts = run_portal("charts", str(folder), "--out", str(tmp_path / "out"))
    assert_no_traceback(charts)
    # Its fields stay unknown: the charts never read a schema from a path.
    assert charts.returncode == 1 and "n'existe pas dans la ressource « reponses »" in charts.stderr
    dcat = run_portal("export", "dcat", str(folder.parent), "--base-url", "https://exemple.fr/")
    assert_no_traceback(dcat)
    assert dcat.returncode == 0 and str(outside) not in dcat.stdout


# --- the dataset is named by its resolved folder ----------------------------------------------


def test_validate_dot_names_the_working_directory(hostile):
    folder = hostile("mon-jeu")
    result = run_portal("validate", ".", cwd=folder)
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout
    assert "mon-jeu" in result.stdout.splitlines()[0]
    assert "le dossier s'appelle" not in result.stdout


def test_validate_dotdot_names_the_parent_folder(hostile):
    folder = hostile("mon-jeu")
    (folder / "archive").mkdir()
    result = run_portal("validate", "..", "--format", "json", cwd=folder / "archive")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stdout
    assert [d["name"] for d in json.loads(result.stdout)["datasets"]] == ["mon-jeu"]


def test_validate_relative_paths_name_the_resolved_folder(hostile):
    folder = hostile("mon-jeu")
    result = run_portal("validate", "../mon-jeu/.", "--format", "json", cwd=folder.parent / "mon-jeu")
    assert result.returncode == 0, result.stdout
    assert [d["name"] for d in json.loads(result.stdout)["datasets"]] == ["mon-jeu"]


# --- portal new -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["jeu\n", "x" * 101, "../jeu", "Jeu"])
def test_new_refuses_an_unsafe_name(tmp_path, name):
    source = tmp_path / "export.csv"
    source.write_text("a;b\n1;2\n", "utf-8")
    datasets = tmp_path / "datasets"
    result = run_portal("new", name, "--from", str(source), "--datasets", str(datasets))
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "ne peut pas nommer un jeu" in result.stderr
    assert not datasets.exists()


def test_ckan_publish_with_force_refuses_an_escaping_resource_name(hostile, tmp_path, elsewhere):
    """``--force`` publishes datasets in error, but a hostile name is refused before any CKAN call."""
    from portal.dataset import load_dataset
    from portal.publish.ckan.run import Target, _publish_one

    dataset = load_dataset(hostile("hostile", descriptor=set_resource_name("../../../../elsewhere/x")))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    target = Target("http://127.0.0.1:9/", "org", None, "https://exemple.fr/")
    licences = [{"id": "etalab-2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}]
    outcome = _publish_one(None, dataset, "org", licences, target, scratch, dry_run=True)
    assert outcome.status == "error" and "sortirait du dossier" in outcome.detail
    assert list(elsewhere.iterdir()) == []
