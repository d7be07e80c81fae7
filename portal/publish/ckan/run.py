"""The push, top to bottom: check the instance → validate → plan each dataset → apply → prune.

One failed dataset never stops the others; a re-run finishes what a failed run left undone,
since every run plans from what CKAN holds now.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from portal import urls
from portal.checks.base import Options
from portal.citation import citation_text
from portal.dataset import Dataset, resource_schema
from portal.downloads import write_downloads
from portal.paths import UnsafePath
from portal.publish.ckan import mapping, replies
from portal.publish.ckan.client import CkanError, Client, NotFoundError
from portal.publish.ckan.plan import DatasetPlan, is_managed, plan_dataset
from portal.tables import TableError
from portal.validate import validate_paths

LABELS = {
    "create": "créé",
    "update": "mis à jour",
    "unchanged": "inchangé",
    "delete": "supprimé",
    "refuse": "refusé",
    "skip": "non publié",
    "error": "échec",
}
STEP_LABELS = {
    "create": "ajout",
    "upload": "nouveau fichier",
    "update": "métadonnées",
    "delete": "suppression",
    "unchanged": "inchangé",
}

# How the report counts resource steps: "7 ressources ajoutées".
STEP_COUNTS = {
    "create": ("ressource ajoutée", "ressources ajoutées"),
    "upload": ("fichier téléversé à nouveau", "fichiers téléversés à nouveau"),
    "update": ("ressource redécrite", "ressources redécrites"),
    "delete": ("ressource supprimée", "ressources supprimées"),
}


@dataclass
class Outcome:
    name: str
    status: str  # a key of LABELS
    detail: str = ""
    plan: DatasetPlan | None = None


@dataclass
class PublishReport:
    outcomes: list[Outcome] = field(default_factory=list)
    fatal: str | None = None
    writes: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.fatal is None and all(o.status not in {"error", "skip", "refuse"} for o in self.outcomes)


@dataclass(frozen=True)
class Target:
    url: str
    organisation: str
    token: str | None
    base_url: str  # the portal's public address, for each dataset's page and datapackage.json


def resource_files(dataset: Dataset, folder: Path, base_url: str) -> list[mapping.ResourceFile]:
    """The files to upload: each table as CSV and JSON, and the datapackage.json."""
    page = urls.absolute(base_url, urls.dataset_page(dataset.name))
    downloads = write_downloads(dataset, folder, base_url, citation_text(dataset, page))
    schemas = {
        r.get("name"): json.dumps(resource_schema(r), ensure_ascii=False, sort_keys=True)
        for r in dataset.resources
        if resource_schema(r)
    }
    descriptions = {r.get("name"): str(r.get("description") or r.get("title") or "") for r in dataset.resources}
    files = []
    for download in downloads:
        file_name = Path(download.url).name
        if download.format == "zip" or file_name.endswith("-excel.csv"):
            continue  # CKAN gets the canonical files; the portal keeps the Excel variant and the archive
        if download.resource is None:
            description = "Les métadonnées du jeu au format Frictionless Data Package."
        else:
            kind = "tableau en CSV (UTF-8)" if download.format == "csv" else "les mêmes données en JSON"
            description = f"{descriptions.get(download.resource, '')} — {kind}".strip(" —")
        files.append(
            mapping.ResourceFile(
                name=file_name,
                path=str(folder / download.url),
                description=description,
                format=download.format.upper(),
                mimetype=download.media_type,
                sha256=download.sha256,
                schema=schemas.get(download.resource) if download.format == "csv" else None,
            )
        )
    return files


def apply(client: Client, plan: DatasetPlan, current_id: str | None) -> None:
    if plan.action == "create":
        created = client.call("package_create", **plan.package)
        current_id = replies.identified(created, client.url, "package_create", "le jeu créé")["id"]
    elif plan.metadata_changed:
        client.call("package_patch", id=current_id, **{**plan.package, "state": "active"})
    for step in plan.resources:
        if step.action == "unchanged":
            continue
        if step.action == "delete":
            client.call("resource_delete", id=step.current_id)
            continue
        data = mapping.resource_dict(step.file)
        if step.action == "update":
            client.call("resource_patch", id=step.current_id, **data)
            continue
        with open(step.file.path, "rb") as handle:
            files = {"upload": (step.file.name, handle)}
            if step.action == "create":
                client.call("resource_create", files=files, package_id=current_id, **data)
            else:
                client.call("resource_update", files=files, id=step.current_id, **data)


def publish(
    paths: list[Path],
    target: Target,
    *,
    dry_run: bool = False,
    prune: bool = False,
    create_org: bool = False,
    force: bool = False,
    client: Client | None = None,
    progress: Callable = lambda items, label: items,
) -> PublishReport:
    report = PublishReport(dry_run=dry_run)
    client = client or Client(target.url, target.token)
    try:
        client.call("status_show")
        licences = replies.licences(client.call("license_list"), client.url, "license_list")
        organisation_id = _organisation(client, target.organisation, create_org and not dry_run)
        if target.token is not None and organisation_id is not None:
            _check_token(client, target.organisation, organisation_id)
    except CkanError as error:
        report.fatal = str(error)
        return report
    if organisation_id is None:
        if not (create_org and dry_run):
            report.fatal = (
                f"l'organisation « {target.organisation} » n'existe pas sur {client.url} : "
                "créez-la, ou relancez avec --create-org"
            )
            return report
        organisation_id = target.organisation  # a dry run plans as if it existed

    validation = validate_paths(paths, Options())
    local_names = set()
    with tempfile.TemporaryDirectory() as scratch:
        for dataset_report in progress(validation.datasets, "Publication"):
            dataset = dataset_report.dataset
            local_names.add(dataset.name)
            if dataset_report.errors and not force:
                first = dataset_report.errors[0]
                detail = f"{len(dataset_report.errors)} erreur(s) de validation, dont : {first.message} (--force pour publier quand même)"
                report.outcomes.append(Outcome(dataset.name, "skip", detail))
                continue
            report.outcomes.append(
                _publish_one(client, dataset, organisation_id, licences, target, Path(scratch), dry_run)
            )
    if prune:
        report.outcomes += _prune(client, organisation_id, local_names, dry_run)
    report.writes = len(client.writes)
    return report


def _organisation(client: Client, name: str, create: bool) -> str | None:
    try:
        return replies.organisation(client.call("organization_show", id=name), client.url, "organization_show")["id"]
    except NotFoundError:
        if not create:
            return None
    created = client.call("organization_create", name=name, title=name)
    return replies.organisation(created, client.url, "organization_create")["id"]


def _check_token(client: Client, name: str, organisation_id: str) -> None:
    """The token's user may publish in the organisation, or CkanError, before anything is planned.

    CKAN takes an unknown, expired or revoked token for no token at all: its reads still work, so
    the user behind the token is asked for the organisations it may create datasets in.
    """
    action = "organization_list_for_user"
    allowed = replies.organisations(client.call(action, permission="create_dataset"), client.url, action)
    if not any(o["id"] == organisation_id or o.get("name") == name for o in allowed):
        raise CkanError(
            f"le jeton d'API (CKAN_API_TOKEN) ne permet pas de publier dans l'organisation « {name} » sur "
            f"{client.url} : jeton d'API (CKAN_API_TOKEN) invalide, expiré ou révoqué, ou son utilisateur n'a pas "
            "le rôle d'éditeur dans l'organisation ; vérifiez le jeton, ou demandez ce rôle à un administrateur"
        )


def _publish_one(client, dataset, organisation_id, licences, target, scratch, dry_run) -> Outcome:
    try:
        licence = mapping.licence_id(dataset, licences)
        files = resource_files(dataset, scratch / dataset.name, target.base_url)
        page = urls.absolute(target.base_url, urls.dataset_page(dataset.name))
        desired = mapping.package_dict(dataset, organisation_id, licence, page)
        try:
            current = replies.package(client.call("package_show", id=dataset.name), client.url, "package_show")
        except NotFoundError:
            current = None
        plan = plan_dataset(desired, files, current)
        if plan.action == "refuse":
            return Outcome(dataset.name, "refuse", plan.reason, plan)
        if current is not None and current.get("owner_org") not in (organisation_id, None):
            return Outcome(dataset.name, "refuse", "ce jeu appartient à une autre organisation sur CKAN", plan)
        if not dry_run and plan.changes:
            apply(client, plan, current["id"] if current else None)
        return Outcome(dataset.name, plan.action, _summary(plan), plan)
    except (CkanError, mapping.LicenceMissing, UnsafePath, TableError) as error:
        return Outcome(dataset.name, "error", str(error))


def _summary(plan: DatasetPlan) -> str:
    counts: dict[str, int] = {}
    for step in plan.resources:
        counts[step.action] = counts.get(step.action, 0) + 1
    parts = [f"{n} {STEP_COUNTS[a][n > 1]}" for a, n in sorted(counts.items()) if a != "unchanged"]
    if plan.metadata_changed and plan.action == "update":
        parts.insert(0, "métadonnées du jeu")
    return ", ".join(parts)


def _prune(client: Client, organisation_id: str, local: set[str], dry_run: bool) -> list[Outcome]:
    outcomes = []
    try:
        found = client.call("package_search", fq=f"owner_org:{organisation_id}", rows=1000, include_private=True)
        packages = replies.search_results(found, client.url, "package_search")
    except CkanError as error:
        return [Outcome("(nettoyage)", "error", str(error))]
    for package in packages:
        if package["name"] in local or not is_managed(package):
            continue
        try:
            if not dry_run:
                client.call("package_delete", id=package["id"])
            outcomes.append(Outcome(package["name"], "delete", "absent de datasets/, publié par portal"))
        except CkanError as error:
            outcomes.append(Outcome(package["name"], "error", str(error)))
    return outcomes


def render(report: PublishReport) -> str:
    lines = []
    if report.fatal:
        return f"erreur : {report.fatal}\n"
    prefix = "[simulation] " if report.dry_run else ""
    for outcome in report.outcomes:
        detail = f" — {outcome.detail}" if outcome.detail else ""
        lines.append(f"{prefix}{outcome.name} : {LABELS[outcome.status]}{detail}")
        if report.dry_run and outcome.plan:
            for step in outcome.plan.resources:
                lines.append(f"    {step.name} : {STEP_LABELS[step.action]}")
    pushed = sum(o.status in {"create", "update", "unchanged", "delete"} for o in report.outcomes)
    verdict = "tout est publié" if report.ok else "des jeux n'ont pas été publiés"
    writes = "aucune écriture (simulation)" if report.dry_run else f"{report.writes} écriture(s) sur CKAN"
    lines.append(f"{verdict} : {pushed}/{len(report.outcomes)} jeux à jour, {writes}.")
    return "\n".join(lines) + "\n"
