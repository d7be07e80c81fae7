"""Data packages → a DCAT-AP 3 catalogue, built with rdflib; one small pure function per part.

Harvesters (data.gouv.fr, data.europa.eu) read it from ``catalog.ttl`` and ``catalog.jsonld``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from portal import metadata, urls
from portal.checks.profile import parse_iso_date
from portal.dataset import Dataset
from portal.downloads import Download
from portal.text import clean, email_address, web_url
from portal.vocabularies import FREQUENCIES, THEMES

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPES = {"csv": "CSV", "json": "JSON", "zip": "ZIP"}
GEO = {"commune": "communes", "departement": "departements", "region": "regions", "epci": "epcis"}


@dataclass(frozen=True)
class CatalogueInfo:
    base_url: str
    title: str
    description: str
    publisher: str


def own_uri(url: str) -> URIRef:
    """One of the portal's own addresses (base URL, dataset and resource names) as a valid IRI:
    a character rdflib refuses (a space, ``>``) is percent-encoded rather than crashing the export."""
    return URIRef(quote(clean(url), safe=":/?#[]@!$&'()*+,;=%~"))


def text(value: object, lang: str | None = "fr") -> Literal:
    """A literal from package text, with nothing an RDF serialisation cannot hold."""
    return Literal(clean(str(value)), lang=lang)


def dataset_uri(base_url: str, name: str) -> URIRef:
    return own_uri(urls.absolute(base_url, urls.dataset_page(name)) + "#jeu")


def _date(value: object) -> Literal | None:
    parsed = parse_iso_date(value) if isinstance(value, str) else None
    return Literal(parsed.isoformat(), datatype=XSD.date) if parsed else None


def add_agent(graph: Graph, name: str, homepage: object = None) -> BNode | URIRef:
    url = web_url(homepage)  # anything but an http(s) URL is left out (portal validate: url-not-web)
    agent = URIRef(url) if url else BNode()
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, text(name)))
    return agent


def add_contact(graph: Graph, dataset: Dataset) -> BNode:
    contact = BNode()
    publisher = dataset.publisher or {}
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, text(metadata.publisher_name(dataset), None)))
    email = email_address(publisher.get("email"))  # malformed: left out (email-invalid)
    if email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    url = web_url(publisher.get("path"))
    if url:
        graph.add((contact, VCARD.hasURL, URIRef(url)))
    return contact


def add_language(graph: Graph) -> URIRef:
    french = URIRef(f"{EU}language/FRA")
    graph.add((french, RDF.type, DCTERMS.LinguisticSystem))
    return french


def add_period(graph: Graph, temporal: object) -> BNode | None:
    if not isinstance(temporal, dict):
        return None
    start, end = _date(temporal.get("start")), _date(temporal.get("end"))
    if not start and not end:
        return None
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        graph.add((period, DCAT.startDate, start))
    if end:
        graph.add((period, DCAT.endDate, end))
    return period


def spatial_uri(spatial: object) -> URIRef | None:
    """The EU country authority for France, the national geographic API for INSEE codes."""
    if not isinstance(spatial, dict) or not spatial.get("code"):
        return None
    code, level = str(spatial["code"]), spatial.get("level")
    if code == "FR":
        return URIRef(f"{EU}country/FRA")
    if level in GEO:
        return own_uri(f"https://geo.api.gouv.fr/{GEO[level]}/{quote(code, safe='')}")
    return None


def add_location(graph: Graph, spatial: object) -> URIRef | None:
    location = spatial_uri(spatial)
    if location is not None:
        graph.add((location, RDF.type, DCTERMS.Location))
        graph.add((location, SKOS.prefLabel, text(spatial.get("title"))))
    return location


def add_licence(graph: Graph, dataset: Dataset) -> URIRef | None:
    licence = metadata.licence_of(dataset)
    if licence is None or not licence.url:
        return None
    node = URIRef(licence.url)
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    graph.add((node, DCTERMS.title, text(licence.title, None)))
    return node


def add_checksum(graph: Graph, sha256: str) -> BNode:
    checksum = BNode()
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))
    return checksum


def schema_standard(dataset: Dataset, resource_name: str | None, base_url: str) -> URIRef | None:
    """The Table Schema a distribution conforms to: the national schema's URL, or our published copy."""
    if resource_name is None:
        return None
    from portal.scdl import published_url, schema_name

    for resource in dataset.resources:
        if resource.get("name") == resource_name:
            schema = resource.get("schema")
            national = schema_name(schema)
            if national:
                return URIRef(published_url(national))
            if web_url(schema):
                return URIRef(web_url(schema))
            if isinstance(schema, dict):
                return own_uri(urls.absolute(base_url, urls.resource_schema(dataset.name, resource_name)))
    return None


def add_distribution(
    graph: Graph, dataset: Dataset, download: Download, licence: URIRef | None, base_url: str
) -> BNode:
    distribution = own_uri(urls.absolute(base_url, download.url) + "#distribution")
    url = own_uri(urls.absolute(base_url, download.url))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, text(download.label)))
    graph.add((distribution, DCTERMS.description, text(f"{dataset.title} : {download.label}")))
    graph.add((url, RDF.type, RDFS.Resource))
    graph.add((distribution, DCAT.accessURL, url))
    graph.add((distribution, DCAT.downloadURL, url))
    media = URIRef(IANA + download.media_type)
    graph.add((media, RDF.type, DCTERMS.MediaType))
    graph.add((distribution, DCAT.mediaType, media))
    file_type = URIRef(f"{EU}file-type/{FILE_TYPES[download.format]}")
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((distribution, DCTERMS.format, file_type))
    graph.add((distribution, DCAT.byteSize, Literal(download.size, datatype=XSD.nonNegativeInteger)))
    graph.add((distribution, SPDX.checksum, add_checksum(graph, download.sha256)))
    stable = URIRef(f"{EU}planned-availability/STABLE")
    graph.add((stable, RDF.type, SKOS.Concept))
    graph.add((stable, SKOS.prefLabel, Literal("stable", lang="fr")))
    graph.add((distribution, DCATAP.availability, stable))
    if licence is not None:
        graph.add((distribution, DCTERMS.license, licence))
    standard = schema_standard(dataset, download.resource, base_url) if download.format == "csv" else None
    if standard is not None:
        graph.add((standard, RDF.type, DCTERMS.Standard))
        graph.add((distribution, DCTERMS.conformsTo, standard))
    return distribution


def add_dataset(graph: Graph, dataset: Dataset, downloads: list[Download], base_url: str) -> URIRef:
    node = dataset_uri(base_url, dataset.name)
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(str(node))))
    graph.add((node, DCTERMS.title, text(dataset.title)))
    graph.add((node, DCTERMS.description, text(dataset.get("description") or dataset.title)))
    publisher = dataset.publisher or {}
    graph.add((node, DCTERMS.publisher, add_agent(graph, metadata.publisher_name(dataset), publisher.get("path"))))
    graph.add((node, DCAT.contactPoint, add_contact(graph, dataset)))
    licence = add_licence(graph, dataset)
    if licence is not None:
        graph.add((node, DCTERMS.license, licence))  # data.gouv.fr reads it here too
    key = metadata.frequency_key(dataset)
    if key:
        frequency = URIRef(f"{EU}frequency/{FREQUENCIES[key].eu_code}")
        graph.add((frequency, RDF.type, DCTERMS.Frequency))
        graph.add((node, DCTERMS.accrualPeriodicity, frequency))
    for predicate, value in ((DCTERMS.modified, dataset.get("modified")), (DCTERMS.issued, dataset.get("created"))):
        literal = _date(value)
        if literal is not None:
            graph.add((node, predicate, literal))
    period = add_period(graph, dataset.get("temporal"))
    if period is not None:
        graph.add((node, DCTERMS.temporal, period))
    location = add_location(graph, dataset.get("spatial"))
    if location is not None:
        graph.add((node, DCTERMS.spatial, location))
    for keyword in metadata.keywords(dataset):
        graph.add((node, DCAT.keyword, text(keyword)))
    themes = dataset.get("theme")
    for theme in themes if isinstance(themes, list) else []:
        if not isinstance(theme, str) or theme not in THEMES:
            continue
        concept = URIRef(f"{EU}data-theme/{theme}")
        graph.add((concept, RDF.type, SKOS.Concept))
        graph.add((concept, SKOS.prefLabel, Literal(THEMES[theme], lang="fr")))
        graph.add((concept, SKOS.inScheme, URIRef(f"{EU}data-theme")))
        graph.add((node, DCAT.theme, concept))
    page = own_uri(urls.absolute(base_url, urls.dataset_page(dataset.name)))
    graph.add((page, RDF.type, FOAF.Document))
    graph.add((node, DCAT.landingPage, page))
    graph.add((node, DCTERMS.language, add_language(graph)))
    for download in downloads:
        graph.add((node, DCAT.distribution, add_distribution(graph, dataset, download, licence, base_url)))
    return node


def catalogue_graph(info: CatalogueInfo, datasets: list[tuple[Dataset, list[Download]]]) -> Graph:
    graph = Graph()
    prefixes = (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("spdx", SPDX),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("dcatap", DCATAP),
    )
    for prefix, namespace in prefixes:
        graph.bind(prefix, namespace)
    catalogue = own_uri(info.base_url.rstrip("/") + "/catalog.ttl#catalogue")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, text(info.title)))
    graph.add((catalogue, DCTERMS.description, text(info.description)))
    graph.add((catalogue, DCTERMS.publisher, add_agent(graph, info.publisher)))
    homepage = own_uri(info.base_url)
    graph.add((homepage, RDF.type, FOAF.Document))
    graph.add((catalogue, FOAF.homepage, homepage))
    graph.add((catalogue, DCTERMS.language, add_language(graph)))
    taxonomy = URIRef(f"{EU}data-theme")
    graph.add((taxonomy, RDF.type, SKOS.ConceptScheme))
    graph.add((taxonomy, DCTERMS.title, Literal("Data theme", lang="en")))
    graph.add((catalogue, DCAT.themeTaxonomy, taxonomy))
    france = add_location(graph, {"code": "FR", "title": "France"})
    graph.add((catalogue, DCTERMS.spatial, france))
    licence = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((catalogue, DCTERMS.license, licence))
    issued = [d for d in (_date(ds.get("created")) for ds, _ in datasets) if d is not None]
    if issued:
        graph.add((catalogue, DCTERMS.issued, min(issued, key=str)))
    modified = [d for d in (metadata.modified(ds) for ds, _ in datasets) if d]
    if modified:
        graph.add((catalogue, DCTERMS.modified, Literal(max(modified).isoformat(), datatype=XSD.date)))
    for dataset, downloads in datasets:
        graph.add((catalogue, DCAT.dataset, add_dataset(graph, dataset, downloads, info.base_url)))
    return graph
