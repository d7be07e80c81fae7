"""The pure parts of the CKAN publisher: field mapping and planning. The push itself is tested
against a real CKAN in tests/ckan/."""

from __future__ import annotations

import pytest

from portal.dataset import load_dataset
from portal.publish.ckan import mapping
from portal.publish.ckan.plan import plan_dataset
from tests.conftest import PACKAGES

CKAN_LICENCES = [
    {"id": "odc-odbl", "url": "http://www.opendefinition.org/licenses/odc-odbl"},
    {"id": "cc-by", "url": "http://www.opendefinition.org/licenses/cc-by"},
    {"id": "etalab-2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
]


@pytest.fixture
def dataset():
    return load_dataset(PACKAGES / "complet")


def test_licence_mapped_to_the_instance_list(dataset):
    assert mapping.licence_id(dataset, CKAN_LICENCES) == "etalab-2.0"
    dataset.descriptor["licenses"] = [{"name": "ODbL-1.0"}]
    assert mapping.licence_id(dataset, CKAN_LICENCES) == "odc-odbl"  # by alias


def test_licence_missing_from_the_instance_is_a_clear_error(dataset):
    with pytest.raises(
        mapping.LicenceMissing, match="ne propose pas la licence « Licence Ouverte / Open Licence version 2.0 »"
    ):
        mapping.licence_id(dataset, CKAN_LICENCES[:2])


def test_package_dict(dataset):
    package = mapping.package_dict(dataset, "org-id", "etalab-2.0", "https://portail.example.org/jeux/complet/")
    assert package["name"] == "complet" and package["owner_org"] == "org-id"
    assert package["title"] == "Participation citoyenne à Exempleville"
    assert package["tags"] == [{"name": "démocratie locale"}, {"name": "participation"}]
    assert package["author"] == package["maintainer"] == "Commune d'Exempleville"
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras == {
        "frequency": "annual",
        "modified": "2026-10-01",
        "temporal_start": "2024-01-01",
        "temporal_end": "2025-12-31",
        "spatial_coverage": "Exempleville",
        "spatial_code": "86194",
        "sources": '[{"edition": "2025", "title": "Registre des dispositifs de participation d\'Exempleville"}]',
        "portal_managed": "true",
    }


@pytest.mark.parametrize(
    ("email", "sent"),
    [
        ("contact@exempleville.fr", "contact@exempleville.fr"),
        ("a b@x.fr", None),
        ("x@y.fr>", None),
        ("pas-un-courriel", None),
    ],
)
def test_only_a_valid_email_reaches_ckan(dataset, email, sent):
    dataset.descriptor["contributors"][0]["email"] = email
    package = mapping.package_dict(dataset, "org-id", "etalab-2.0", "https://portail.example.org/jeux/complet/")
    assert package.get("author_email") == sent and package.get("maintainer_email") == sent


def test_tags_drop_characters_ckan_refuses(dataset):
    dataset.descriptor["keywords"] = ["open data, collectivités", "x", "budget (2018)"]
    assert mapping.tags(dataset) == [{"name": "budget  2018"}, {"name": "open data  collectivités"}]


FILE = mapping.ResourceFile("participation.csv", "/tmp/x.csv", "Une ligne par dispositif.", "CSV", "text/csv", "abc")


def ckan_state(package, resources):
    """What CKAN answers to package_show for what we pushed."""
    return {
        **package,
        "id": "pkg-id",
        "state": "active",
        "tags": [{"name": t["name"], "id": "t"} for t in package["tags"]],
        "resources": [
            {"id": f"res-{i}", "url": "http://ckan/x", **mapping.resource_dict(r)} for i, r in enumerate(resources)
        ],
    }


def test_plan_from_nothing_creates_everything(dataset):
    desired = mapping.package_dict(dataset, "org", "etalab-2.0", "https://p/")
    plan = plan_dataset(desired, [FILE], None)
    assert plan.action == "create" and [s.action for s in plan.resources] == ["create"]


def test_plan_with_nothing_changed_is_unchanged(dataset):
    desired = mapping.package_dict(dataset, "org", "etalab-2.0", "https://p/")
    plan = plan_dataset(desired, [FILE], ckan_state(desired, [FILE]))
    assert plan.action == "unchanged" and not plan.changes


def test_plan_reuploads_only_the_changed_file(dataset):
    desired = mapping.package_dict(dataset, "org", "etalab-2.0", "https://p/")
    other = mapping.ResourceFile("datapackage.json", "/tmp/d.json", "Métadonnées.", "JSON", "application/json", "def")
    current = ckan_state(desired, [FILE, other])
    changed = mapping.ResourceFile(**{**FILE.__dict__, "sha256": "new"})
    plan = plan_dataset(desired, [changed, other], current)
    assert [(s.name, s.action) for s in plan.resources] == [
        ("participation.csv", "upload"),
        ("datapackage.json", "unchanged"),
    ]
    assert not plan.metadata_changed


def test_plan_metadata_change_and_removed_resource(dataset):
    desired = mapping.package_dict(dataset, "org", "etalab-2.0", "https://p/")
    current = ckan_state(desired, [FILE])
    desired = {**desired, "title": "Nouveau titre"}
    plan = plan_dataset(desired, [], current)
    assert plan.metadata_changed and [s.action for s in plan.resources] == ["delete"]


def test_plan_refuses_datasets_it_did_not_create(dataset):
    desired = mapping.package_dict(dataset, "org", "etalab-2.0", "https://p/")
    current = ckan_state(desired, [FILE])
    current["extras"] = []
    assert plan_dataset(desired, [FILE], current).action == "refuse"
