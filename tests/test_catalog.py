"""The machine-readable catalogue: DCAT-AP 3 conformance (pyshacl), a harvester's round trip,
the Atom feed, the sitemap and robots.txt, and ``portal export dcat``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.portal_fixture import ROOT, make_portal, mkdocs_build

BASE = "http://127.0.0.1:8000/"
SHAPES = ROOT / "tests" / "reference" / "dcat-ap"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = make_portal(tmp_path_factory.mktemp("catalogue"), ["complet", "graphiques"])
    result = mkdocs_build(folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def graph(site) -> Graph:
    return Graph().parse(site / "catalog.ttl")


@pytest.mark.parametrize("shapes", ["dcat-ap-3.0.0-SHACL.ttl", "dcat-ap-3.0.0-range.ttl"])
def test_catalogue_conforms_to_dcat_ap_3(graph, shapes):
    conforms, _, text = validate(graph, shacl_graph=Graph().parse(SHAPES / shapes), inference="none")
    assert conforms, text


def test_turtle_and_json_ld_say_the_same(site, graph):
    assert isomorphic(graph, Graph().parse(site / "catalog.jsonld", format="json-ld"))


def local_file(site: Path, url: URIRef) -> Path:
    assert str(url).startswith(BASE)
    return site / str(url)[len(BASE) :]


def test_what_the_data_gouv_harvester_needs(site, graph):
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 2
    for dataset in datasets:
        assert graph.value(dataset, DCTERMS.identifier) and graph.value(dataset, DCTERMS.title)
        distributions = list(graph.objects(dataset, DCAT.distribution))
        assert distributions
        for distribution in distributions:
            url = graph.value(distribution, DCAT.downloadURL)
            path = local_file(site, url)
            assert path.is_file(), url
            content = path.read_bytes()
            assert int(graph.value(distribution, DCAT.byteSize)) == len(content)
            checksum = graph.value(distribution, URIRef(SPDX + "checksum"))
            assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(content).hexdigest()


def test_dataset_properties(graph):
    dataset = URIRef(BASE + "jeux/complet/#jeu")
    expect = {
        DCTERMS.license: URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
        DCTERMS.accrualPeriodicity: URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL"),
        DCAT.landingPage: URIRef(BASE + "jeux/complet/"),
        DCAT.theme: URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE"),
        DCTERMS.spatial: URIRef("https://geo.api.gouv.fr/communes/86194"),
    }
    for predicate, value in expect.items():
        assert (dataset, predicate, value) in graph, predicate
    assert str(graph.value(dataset, DCTERMS.modified)) == "2026-10-01"
    assert str(graph.value(dataset, DCTERMS.issued)) == "2026-01-15"
    period = graph.value(dataset, DCTERMS.temporal)
    assert (str(graph.value(period, DCAT.startDate)), str(graph.value(period, DCAT.endDate))) == (
        "2024-01-01",
        "2025-12-31",
    )
    publisher = graph.value(dataset, DCTERMS.publisher)
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Commune d'Exempleville"
    assert graph.value(dataset, DCAT.contactPoint) is not None
    assert {str(k) for k in graph.objects(dataset, DCAT.keyword)} == {"participation", "démocratie locale"}


def test_csv_distributions_conform_to_their_table_schema(site, graph):
    csv = URIRef(BASE + "donnees/complet/participation.csv#distribution")
    standard = graph.value(csv, DCTERMS.conformsTo)
    schema = json.loads(local_file(site, standard).read_text("utf-8"))
    assert [f["name"] for f in schema["fields"]] == ["annee", "dispositif", "participants", "budget"]
    assert graph.value(csv, DCAT.mediaType) == URIRef("http://www.iana.org/assignments/media-types/text/csv")
    assert graph.value(csv, DCTERMS.format) == URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")


def test_atom_feed_has_one_entry_per_dataset(site):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.parse(site / "feed.xml").getroot()
    entries = {e.find(f"{atom}id").text: e.find(f"{atom}updated").text for e in feed.findall(f"{atom}entry")}
    assert entries == {
        BASE + "jeux/complet/": "2026-10-01T00:00:00Z",
        BASE + "jeux/graphiques/": "2026-10-01T00:00:00Z",
    }


def test_sitemap_and_robots(site):
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert f"<loc>{BASE}jeux/complet/</loc>" in sitemap and f"<loc>{BASE}catalogue/</loc>" in sitemap
    assert (site / "robots.txt").read_text("utf-8") == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"


def test_export_dcat_without_building_the_site(cli, site, graph, tmp_path, monkeypatch):
    folder = site.parent
    monkeypatch.chdir(folder)
    result = cli("export", "dcat", "--out", str(tmp_path / "catalogue.ttl"))
    assert result.exit_code == 0, result.output
    exported = Graph().parse(tmp_path / "catalogue.ttl")
    assert isomorphic(exported, graph)


def test_export_dcat_needs_a_base_url(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "dcat", str(ROOT / "tests" / "fixtures" / "packages"))
    assert result.exit_code == 2 and "adresse publique inconnue" in result.output
    ok = cli(
        "export",
        "dcat",
        str(ROOT / "tests" / "fixtures" / "packages"),
        "--base-url",
        "https://exemple.fr/portail",
        "--format",
        "json-ld",
    )
    assert ok.exit_code == 0 and '"https://exemple.fr/portail/jeux/complet/#jeu"' in ok.output


def test_reuse_page_documents_the_catalogue_urls():
    page = (ROOT / "portal" / "site" / "docs" / "reutiliser.md").read_text("utf-8")
    for url in ("catalog.ttl", "catalog.jsonld", "feed.xml", "sitemap.xml"):
        assert f"`{url}`" in page, url
