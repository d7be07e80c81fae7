"""The local CKAN harness runs a real CKAN that does what `portal publish ckan` will ask of it.

Through ckanapi, as the publishing command will: the Licence Ouverte in the licence list, an
organisation, a dataset under Licence Ouverte 2.0, an uploaded CSV downloaded back byte for
byte, update, show, search by organisation (the Solr stand-in), delete and purge; then CKAN
stopped and started again alone, its data kept. Nothing is stopped at the end: the next
tests reuse the running CKAN.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from types import ModuleType

import pytest
import requests
from ckanapi import NotFound, RemoteCKAN

# Accents, a BOM-less UTF-8 header, CRLF line ends and no final newline: any rewriting shows.
CSV = 'commune;année;montant (€)\r\nSaint-Étienne;2017;1 250,50\r\nÉvry-Courcouronnes;2018;980\r\n"Lœuilly";2018;12'.encode()


def started(harness: ModuleType) -> RemoteCKAN:
    try:
        harness.start()
    except harness.HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)
    return RemoteCKAN(harness.url(), apikey=harness.api_token(), user_agent="portal-tests/ckan-harness")


def purge(ckan: RemoteCKAN, dataset: str | None = None, organization: str | None = None) -> None:
    for action, name in (("dataset_purge", dataset), ("organization_purge", organization)):
        if name:
            with contextlib.suppress(NotFound):
                ckan.call_action(action, {"id": name})


def test_ckan_local_publishes_searches_and_deletes(ckan_harness: ModuleType, tmp_path: Path) -> None:
    ckan = started(ckan_harness)

    licences = {licence["id"]: licence for licence in ckan.action.license_list()}
    assert licences["etalab-2.0"]["title"] == "Licence Ouverte / Open Licence version 2.0"
    assert licences["etalab-2.0"]["url"] == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert {
        "fr-lo",
        "odc-odbl",
        "cc-by",
        "cc-by-sa",
        "cc-zero",
        "odc-by",
        "odc-pddl",
        "notspecified",
        "other-open",
    } <= set(licences)

    suffix = uuid.uuid4().hex[:8]
    org_name, name = f"harnais-org-{suffix}", f"harnais-jeu-{suffix}"
    try:
        org = ckan.action.organization_create(name=org_name, title="Décider ensemble (test du harnais)")
        created = ckan.action.package_create(
            name=name,
            title="Budgets participatifs 2017",
            notes="Jeu de test du harnais CKAN local.",
            owner_org=org["id"],
            license_id="etalab-2.0",
            tags=[{"name": "démocratie locale"}],
        )
        assert created["license_title"] == "Licence Ouverte / Open Licence version 2.0"
        assert created["isopen"] is True

        source = tmp_path / "budgets.csv"
        source.write_bytes(CSV)
        with source.open("rb") as upload:
            resource = ckan.action.resource_create(
                package_id=created["id"], name="Budgets", format="CSV", upload=upload
            )
        assert resource["url_type"] == "upload"
        assert resource["url"].startswith(ckan_harness.url() + "/dataset/")
        download = requests.get(resource["url"], timeout=30)
        assert download.status_code == 200
        assert download.content == CSV

        dataset = ckan.action.package_show(id=name)
        dataset["title"] = "Budgets participatifs 2017 (mis à jour)"
        ckan.action.package_update(**dataset)
        shown = ckan.action.package_show(id=name)
        assert shown["title"] == "Budgets participatifs 2017 (mis à jour)"
        assert shown["organization"]["name"] == org_name
        assert shown["license_id"] == "etalab-2.0"
        assert [r["id"] for r in shown["resources"]] == [resource["id"]]

        organization = ckan.action.organization_show(id=org_name, include_datasets=True)
        assert organization["package_count"] == 1
        assert [p["name"] for p in organization["packages"]] == [name]

        found = ckan.action.package_search(fq=f"organization:{org_name}")
        assert found["count"] == 1
        assert found["results"][0]["title"] == "Budgets participatifs 2017 (mis à jour)"  # the index follows updates
        assert found["results"][0]["resources"][0]["id"] == resource["id"]
        assert name in [d["name"] for d in ckan.action.package_search(q="participatifs", rows=1000)["results"]]
        assert ckan.action.package_search(fq=f"organization:{org_name} +license_id:cc-by")["count"] == 0
        assert name in ckan.action.package_list()

        ckan.action.package_delete(id=name)
        assert ckan.action.package_search(fq=f"organization:{org_name}")["count"] == 0
        assert ckan.action.package_show(id=name)["state"] == "deleted"

        ckan.action.dataset_purge(id=name)
        with pytest.raises(NotFound):
            ckan.action.package_show(id=name)
        assert name not in ckan.action.package_list()
    finally:
        purge(ckan, dataset=name, organization=org_name)


def test_ckan_stops_and_restarts_alone_keeping_its_data(ckan_harness: ModuleType) -> None:
    ckan = started(ckan_harness)
    org_name = f"harnais-redemarrage-{uuid.uuid4().hex[:8]}"
    try:
        ckan.action.organization_create(name=org_name)

        assert ckan_harness.stop_ckan() is True
        state = ckan_harness.status()
        assert state == {"postgres": True, "redis": True, "solr": True, "ckan": False}
        with pytest.raises(requests.exceptions.ConnectionError):
            ckan.action.status_show()

        assert ckan_harness.start_ckan() == ckan_harness.url()
        assert ckan_harness.status()["ckan"] is True
        assert ckan.action.organization_show(id=org_name)["name"] == org_name
    finally:
        ckan_harness.start_ckan()
        purge(ckan, organization=org_name)
