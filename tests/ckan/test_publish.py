"""`portal publish ckan` against a real CKAN (scripts/ckan/harness.py): no mock anywhere."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from portal.cli import main
from portal.publish.ckan.client import Client
from portal.publish.ckan.run import Target, publish, render
from tests.conftest import PACKAGES

BASE = "https://portail.example.org/"


@pytest.fixture
def datasets(tmp_path) -> Path:
    root = tmp_path / "datasets"
    for name in ("complet", "graphiques"):
        shutil.copytree(PACKAGES / name, root / name)
    return root


@pytest.fixture
def names():
    """Unique organisation and dataset names: tests share one CKAN."""
    suffix = uuid.uuid4().hex[:8]
    return {"org": f"org-{suffix}", "complet": f"complet-{suffix}", "graphiques": f"graphiques-{suffix}"}


def rename(root: Path, old: str, new: str) -> None:
    (root / old).rename(root / new)
    path = root / new / "datapackage.json"
    descriptor = json.loads(path.read_text("utf-8"))
    descriptor["name"] = new
    path.write_text(json.dumps(descriptor, ensure_ascii=False), "utf-8")


@pytest.fixture
def unique(datasets, names) -> Path:
    rename(datasets, "complet", names["complet"])
    rename(datasets, "graphiques", names["graphiques"])
    return datasets


def run(ckan_local, root, org, token=None, **options):
    target = Target(url=ckan_local.url, organisation=org, token=token or ckan_local.token, base_url=BASE)
    client = Client(ckan_local.url, target.token)
    report = publish([root], target, client=client, **options)
    return report, client


def publish_command(ckan_local, root: Path, org: str):
    """``portal publish ckan`` as a user runs it, the token taken from CKAN_API_TOKEN."""
    arguments = [
        "publish",
        "ckan",
        str(root),
        "--url",
        ckan_local.url,
        "--org",
        org,
        "--create-org",
        "--base-url",
        BASE,
    ]
    return CliRunner().invoke(main, arguments, catch_exceptions=False)


def ckan(ckan_local) -> Client:
    return Client(ckan_local.url, ckan_local.token)


def test_first_push_then_nothing_to_do(ckan_local, unique, names):
    report, client = run(ckan_local, unique, names["org"], create_org=True)
    assert report.ok, render(report)
    assert {o.status for o in report.outcomes} == {"create"}
    assert client.writes.count("package_create") == 2 and client.writes.count("organization_create") == 1
    package = ckan(ckan_local).call("package_show", id=names["complet"])
    assert package["title"] == "Participation citoyenne à Exempleville" and package["license_id"] == "etalab-2.0"
    assert package["url"] == f"{BASE}jeux/{names['complet']}/"
    assert {t["name"] for t in package["tags"]} == {"participation", "démocratie locale"}
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["frequency"] == "annual" and extras["portal_managed"] == "true"
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"participation.csv", "participation.json", "datapackage.json"}
    csv = resources["participation.csv"]
    assert json.loads(csv["schema"])["fields"][0]["name"] == "annee" and csv["format"] == "CSV"
    # Downloads come back byte for byte.
    local = (PACKAGES / "complet" / "participation.csv").read_bytes()
    assert requests.get(csv["url"], timeout=30).content == local

    again, client = run(ckan_local, unique, names["org"])
    assert again.ok and {o.status for o in again.outcomes} == {"unchanged"}
    assert client.writes == [] and again.writes == 0
    assert "0 écriture(s) sur CKAN" in render(again)


def test_changed_csv_reuploads_that_table_only(ckan_local, unique, names):
    assert run(ckan_local, unique, names["org"], create_org=True)[0].ok
    data = unique / names["complet"] / "participation.csv"
    data.write_text(data.read_text("utf-8").replace("1250", "1251"), "utf-8")
    report, client = run(ckan_local, unique, names["org"])
    assert report.ok
    statuses = {o.name: o.status for o in report.outcomes}
    assert statuses == {names["complet"]: "update", names["graphiques"]: "unchanged"}
    assert client.writes == ["resource_update", "resource_update"]  # the CSV and its JSON export
    package = ckan(ckan_local).call("package_show", id=names["complet"])
    csv = next(r for r in package["resources"] if r["name"] == "participation.csv")
    assert b"1251" in requests.get(csv["url"], timeout=30).content


def test_dry_run_writes_nothing_and_prints_the_plan(ckan_local, unique, names):
    report, client = run(ckan_local, unique, names["org"], create_org=True, dry_run=True)
    assert client.writes == [] and report.ok
    text = render(report)
    assert f"[simulation] {names['complet']} : créé" in text and "participation.csv : ajout" in text
    with pytest.raises(Exception, match="Not found|introuvable|NotFound"):
        ckan(ckan_local).call("package_show", id=names["complet"])


def test_prune_deletes_only_what_portal_created(ckan_local, unique, names):
    assert run(ckan_local, unique, names["org"], create_org=True)[0].ok
    admin = ckan(ckan_local)
    org = admin.call("organization_show", id=names["org"])
    manual = f"fait-main-{names['org']}"
    admin.call("package_create", name=manual, title="Créé à la main", owner_org=org["id"])
    shutil.rmtree(unique / names["graphiques"])
    report, client = run(ckan_local, unique, names["org"], prune=True)
    assert report.ok, render(report)
    assert {o.name: o.status for o in report.outcomes} == {names["complet"]: "unchanged", names["graphiques"]: "delete"}
    assert client.writes == ["package_delete"]
    assert admin.call("package_show", id=names["graphiques"])["state"] == "deleted"
    assert admin.call("package_show", id=manual)["state"] == "active"


def test_wrong_token_is_a_clear_error_and_never_printed(ckan_local, unique, names, monkeypatch):
    secret = "jeton-faux-" + uuid.uuid4().hex
    monkeypatch.setenv("CKAN_API_TOKEN", secret)
    result = publish_command(ckan_local, unique, names["org"])
    assert result.exit_code == 1
    assert "jeton d'API (CKAN_API_TOKEN) invalide" in result.output
    assert secret not in result.output and "Traceback" not in result.output


def test_missing_organisation_without_create_org(ckan_local, unique, names):
    report, client = run(ckan_local, unique, names["org"])
    assert not report.ok and "--create-org" in report.fatal and client.writes == []


def test_dataset_failing_validation_is_not_pushed(ckan_local, unique, names, monkeypatch):
    broken = unique / names["graphiques"] / "reponses.csv"
    broken.write_text(broken.read_text("utf-8").replace("66.3", "beaucoup"), "utf-8")
    monkeypatch.setenv("CKAN_API_TOKEN", ckan_local.token)
    result = publish_command(ckan_local, unique, names["org"])
    assert result.exit_code == 1
    assert f"{names['graphiques']} : non publié — 1 erreur(s) de validation" in result.output
    assert "« beaucoup » n'est pas un nombre" in result.output
    assert f"{names['complet']} : créé" in result.output


class StopsCkanAfter(Client):
    """A client that stops the real CKAN after some writes, as a crash in the middle of a push."""

    def __init__(self, *args, harness, after: int, **kwargs):
        super().__init__(*args, retries=1, backoff=0.1, **kwargs)
        self.harness, self.after = harness, after

    def call(self, action, files=None, **data):
        result = super().call(action, files=files, **data)
        if len(self.writes) == self.after:
            self.harness.stop_ckan()
        return result


def test_ckan_stopped_mid_push_then_a_rerun_converges(ckan_local, unique, names):
    target = Target(url=ckan_local.url, organisation=names["org"], token=ckan_local.token, base_url=BASE)
    interrupted = StopsCkanAfter(ckan_local.url, ckan_local.token, harness=ckan_local.harness, after=3)
    try:
        report = publish([unique], target, create_org=True, client=interrupted)
    finally:
        ckan_local.harness.start_ckan()
    assert not report.ok
    assert any("ne répond pas" in o.detail for o in report.outcomes if o.status == "error")
    again, client = run(ckan_local, unique, names["org"])
    assert again.ok, render(again)
    final, client = run(ckan_local, unique, names["org"])
    assert final.ok and client.writes == []
    for name in (names["complet"], names["graphiques"]):
        package = ckan(ckan_local).call("package_show", id=name)
        counts = {}
        for resource in package["resources"]:
            counts[resource["name"]] = counts.get(resource["name"], 0) + 1
        assert all(n == 1 for n in counts.values()), counts  # nothing duplicated by the crash
