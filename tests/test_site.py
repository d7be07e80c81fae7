"""The portal built end to end by ``mkdocs build --strict`` over a small fixture portal."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.portal_fixture import make_portal, mkdocs_build

BASE = "http://127.0.0.1:8000/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = make_portal(tmp_path_factory.mktemp("portail"), ["complet", "graphiques"])
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


def read(site: Path, url: str) -> str:
    return (
        site / url / "index.html" if not url.endswith((".html", ".json", ".csv", ".xml")) else site / url
    ).read_text("utf-8")


def test_every_page_type_is_built(built):
    for url in [
        "",
        "catalogue",
        "jeux/complet",
        "jeux/graphiques",
        "enquetes",
        "enquetes/graphiques",
        "enquetes/evolution",
        "qualite",
        "guide/ouvrir-ses-donnees",
        "guide/valider-ses-donnees",
        "reutiliser",
        "accessibilite",
        "mentions-legales",
        "a-propos",
        "reference/controles",
    ]:
        html = read(built, url)
        assert '<html lang="fr"' in html, url


def test_dataset_page_has_every_section(built):
    html = read(built, "jeux/graphiques")
    for heading in ("Citer ce jeu de données", "Graphiques", "Tables", "Télécharger", "Réutiliser"):
        assert f">{heading}<" in html, heading
    assert "badge-ponctuel" in html
    assert (
        "@misc{graphiques_2018" in html
        and "pd.read_csv(&quot;http://127.0.0.1:8000/donnees/graphiques/questions.csv&quot;)" in html
    )
    # Every chart: a thumbnail (its static SVG, its text alternative) linking to the chart's page.
    thumbnails = re.findall(r'<li><a href="graphiques/([a-z0-9-]+)/"><img src="([^"]+)" alt="([^"]*)"', html)
    assert len(thumbnails) == 8
    for view, src, alt in thumbnails:
        assert src == f"../../graphiques/graphiques/{view}.svg" and len(alt) >= 20
    # Sources, method, quality and notes are on the about page, which the page links to.
    assert 'href="a-propos/"' in html and 'id="sources"' not in html and 'id="qualite"' not in html
    about = read(built, "jeux/graphiques/a-propos")
    for heading in ("Sources", "Qualité"):
        assert f">{heading}<" in about, heading
    assert 'id="sources"' in about and 'id="qualite"' in about
    assert 'href="../"' in about and "Checklist open data : score" in about


def test_citation_files_are_written_beside_the_downloads(built):
    folder = built / "donnees" / "graphiques" / "citation"
    assert (folder / "graphiques.bib").read_text("utf-8").startswith("@misc{graphiques_2018,\n")
    assert (folder / "graphiques.ris").read_text("utf-8").startswith("TY  - DATA\n")
    assert json.loads((folder / "graphiques.json").read_text("utf-8"))[0]["URL"] == BASE + "jeux/graphiques/"


def test_schema_org_and_open_graph_in_the_head(built):
    html = read(built, "jeux/complet")
    head = html.split("</head>")[0]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S).group(1))
    assert data["@type"] == "Dataset" and data["name"] == "Participation citoyenne à Exempleville"
    assert data["license"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert data["isAccessibleForFree"] is True and data["dateModified"] == "2026-10-01"
    # Google's Dataset structured data: a description of 50 to 5,000 characters, a named creator.
    assert 50 <= len(data["description"]) <= 5000 and data["creator"]["name"] == "Commune d'Exempleville"
    assert data["url"] == data["@id"] == "http://127.0.0.1:8000/jeux/complet/" and data["keywords"]
    assert data["temporalCoverage"] == "2024-01-01/2025-12-31"
    assert {d["encodingFormat"] for d in data["distribution"]} == {"text/csv", "application/json", "application/zip"}
    assert all(d["contentUrl"].startswith(BASE) for d in data["distribution"])
    assert '<meta property="og:title" content="Participation citoyenne à Exempleville">' in head


def test_downloads(built):
    folder = built / "donnees" / "graphiques"
    assert (folder / "reponses.csv").read_bytes().startswith(b"question_id,edition,reponse,valeur,unite\n")
    excel = (folder / "reponses-excel.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbfquestion_id;edition;reponse;valeur;unite\r\n")
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["type", "2017", "Communes", "66,3", "pourcentage"]
    records = json.loads((folder / "reponses.json").read_text("utf-8"))
    assert records[0] == {
        "question_id": "type",
        "edition": 2017,
        "reponse": "Communes",
        "valeur": 66.3,
        "unite": "pourcentage",
    }
    assert records[3]["valeur"] == 71
    descriptor = json.loads((folder / "datapackage.json").read_text("utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [
        f"{BASE}donnees/graphiques/questions.csv",
        f"{BASE}donnees/graphiques/reponses.csv",
    ]
    with zipfile.ZipFile(folder / "graphiques.zip") as bundle:
        assert sorted(bundle.namelist()) == sorted(
            [
                "graphiques/questions.csv",
                "graphiques/reponses.csv",
                "graphiques/datapackage.json",
                "graphiques/README.md",
            ]
        )
        readme = bundle.read("graphiques/README.md").decode("utf-8")
        assert "Licence Ouverte" in readme and "## Dictionnaire des données" in readme and "Citation :" in readme
        inner = json.loads(bundle.read("graphiques/datapackage.json"))
        assert inner["resources"][1]["path"] == "reponses.csv"


def test_no_third_party_assets(built):
    for page in built.rglob("*.html"):
        html = page.read_text("utf-8")
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
            assert not re.search(r"\.(js|css|woff2?|ttf)(\?|$)", url), (page, url)
        assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html and "unpkg.com" not in html, page
    assert (built / "assets" / "vendor" / "vega-bundle.js").stat().st_size > 100_000


def test_catalogue_index_and_pages(built):
    index = json.loads((built / "catalogue" / "index.json").read_text("utf-8"))
    assert [r["name"] for r in index] == ["graphiques", "complet"]  # by title
    html = read(built, "catalogue")
    assert (
        html.count('<article class="card"') == 2
        and "Commune d&#x27;Exempleville · Gouvernement et secteur public" in html
    )
    assert index[1]["year"] == 2025 and index[1]["summary"].startswith("Un jeu de démonstration complet")


def test_survey_page_question_by_question(built):
    html = read(built, "enquetes/graphiques")
    assert ">Type de collectivité<" in html and ">Budget consacré à la participation<" in html
    assert "Les valeurs de cette question ne sont pas publiées" in html  # satisfaction: no answers
    evolution = read(built, "enquetes/evolution")
    assert "recalculée ni arrondie" in evolution  # published values only
    assert 'src="comparaison-1.svg"' in evolution  # the fixture's two editions share units and answers


def test_quality_dashboard(built):
    html = read(built, "qualite")
    assert "2 jeux sur 2 passent la checklist sans erreur" in html
    assert html.count('<th scope="row">') == 2


def parse(html: str) -> list[tuple[str, list, str]]:
    """Every element as (tag, attributes, text of a script), as a browser would parse them."""
    from html.parser import HTMLParser

    elements: list[tuple[str, list, str]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            elements.append((tag, attrs, ""))

        def handle_data(self, data):
            if elements and elements[-1][0] == "script":
                tag, attrs, text = elements[-1]
                elements[-1] = (tag, attrs, text + data)

    Collector().feed(html)
    return elements


TRAP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_package_text_cannot_inject_markup(tmp_path):
    folder = make_portal(tmp_path / "portail", ["complet"])
    path = folder / "datasets" / "complet" / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor["title"] = f"Titre {TRAP}"
    descriptor["description"] = (
        f"Une description {TRAP} avec un [lien piégé](javascript:alert(1)) et un [vrai lien](https://example.org). "
        "Elle est assez longue pour passer le contrôle de complétude de la description."
    )
    descriptor["keywords"] = [TRAP]
    descriptor["resources"][0]["schema"]["fields"][1]["description"] = TRAP
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")
    csv_path = folder / "datasets" / "complet" / "participation.csv"
    csv_path.write_text(csv_path.read_text("utf-8") + f'2026,"{TRAP.replace(chr(34), chr(39))}",1,0\n', "utf-8")
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    for page in (folder / "site").rglob("*.html"):
        elements = parse(page.read_text("utf-8"))
        assert not [e for e in elements if e[0] == "img" and dict(e[1]).get("src") == "x"], page
        assert not [e for e in elements if any(name.startswith("on") for name, _ in e[1])], page
        scripts = [e for e in elements if e[0] == "script"]
        assert not [e for e in scripts if "alert" in e[2] and dict(e[1]).get("type") != "application/ld+json"], page
        for _, _, text in [e for e in scripts if dict(e[1]).get("type") == "application/ld+json"]:
            assert "<" not in text and json.loads(text)  # data, inert, with no markup at all
        assert not [e for e in elements if (dict(e[1]).get("href") or "").startswith("javascript")], page
    html = (folder / "site" / "jeux" / "complet" / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert" in html and 'href="https://example.org"' in html


def test_failed_build_leaves_previous_site_intact(tmp_path):
    folder = make_portal(tmp_path / "portail", ["complet"])
    assert mkdocs_build(folder).returncode == 0
    before = {p.relative_to(folder / "site"): p.read_bytes() for p in (folder / "site").rglob("*") if p.is_file()}
    (folder / "datasets" / "complet" / "datapackage.json").write_text("{ cassé")
    result = mkdocs_build(folder)
    assert result.returncode != 0
    assert "complet" in result.stderr and "JSON invalide ligne 1" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p.relative_to(folder / "site"): p.read_bytes() for p in (folder / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not (folder / "site.en-cours").exists()


def test_strict_warning_also_leaves_previous_site_intact(tmp_path):
    folder = make_portal(tmp_path / "portail", ["complet"])
    assert mkdocs_build(folder).returncode == 0
    index = (folder / "site" / "index.html").read_bytes()
    (folder / "docs" / "a-propos.md").write_text("# À propos\n\n[lien cassé](page-absente.md)\n", "utf-8")
    result = mkdocs_build(folder)
    assert result.returncode != 0 and "page-absente.md" in result.stderr
    assert (folder / "site" / "index.html").read_bytes() == index
    assert not (folder / "site.en-cours").exists()


def test_missing_site_url_is_a_clear_error(tmp_path):
    folder = make_portal(tmp_path / "portail", ["complet"], site_url=None)
    result = mkdocs_build(folder)
    assert result.returncode != 0
    assert "site_url manque dans mkdocs.yml" in result.stderr and "Traceback" not in result.stderr


def test_gh_deploy_runs_the_pipeline_and_pushes_the_site(tmp_path):
    import subprocess

    from tests.portal_fixture import MKDOCS

    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    folder = make_portal(tmp_path / "portail", ["complet"])
    git = ["git", "-C", str(folder), "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "portail"], check=True)
    subprocess.run([*git, "remote", "add", "origin", str(remote)], check=True)
    result = subprocess.run(
        [str(MKDOCS), "gh-deploy", "--force", "-f", str(folder / "mkdocs.yml")],
        cwd=folder,
        capture_output=True,
        text=True,
        env={
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": "/usr/bin:/bin",
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.org",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.org",
        },
    )
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {
        "index.html",
        "jeux/complet/index.html",
        "donnees/complet/participation.csv",
        "catalogue/index.json",
    } <= set(listing)
    assert (folder / "site" / "index.html").exists() and not (folder / "site.en-cours").exists()


def test_apostrophes_in_headings_read_as_apostrophes(built):
    html = read(built, "enquetes/graphiques")
    assert '>Satisfaction à l\'égard du dispositif<a class="headerlink"' in html
    toc = html.split('data-md-component="toc"')[1].split("</nav>")[0]
    assert "&#x27;" not in toc and "Satisfaction à l'égard du dispositif" in toc
