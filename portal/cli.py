"""The ``portal`` command: a thin layer over the library. Imports are lazy so --help is instant."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

# Exceptions click handles itself (usage errors, --help, exits): everything else is a bug of ours.
CLICK_HANDLED = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


class GuardedGroup(click.Group):
    """No traceback ever reaches the user: an unexpected error becomes one line in French, exit 1.

    The pipelines already turn bad input into problems; this is the last guard, for our bugs.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CLICK_HANDLED:
            raise
        except Exception as error:  # noqa: BLE001 — the last guard before a traceback
            from portal.text import unexpected

            click.echo(f"erreur : {unexpected(error)}", err=True)
            sys.exit(1)


def _parse_today(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"« {value} » n'est pas une date AAAA-MM-JJ.") from None


class _Portal(GuardedGroup):
    """The command group; a Ctrl-C anywhere in a command ends it with one line and exit code 130."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            from portal.interrupt import EXIT_CODE, MESSAGE

            click.echo(MESSAGE, err=True)
            ctx.exit(EXIT_CODE)


@click.group(cls=_Portal)
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.version_option(package_name="portal", help="Afficher la version.")
def main() -> None:
    """Portail open data de la démocratie locale numérique."""


@main.command()
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Rapport lisible, JSON (schéma stable) ou annotations GitHub Actions.",
)
@click.option("--strict", is_flag=True, help="Les avertissements comptent comme des erreurs.")
@click.option(
    "--today",
    callback=_parse_today,
    metavar="AAAA-MM-JJ",
    help="Contrôler la fraîcheur à cette date plutôt qu'aujourd'hui.",
)
@click.option("--allow-remote", is_flag=True, help="Télécharger et contrôler les ressources distantes (URL).")
def validate(paths: tuple[Path, ...], output_format: str, strict: bool, today: date | None, allow_remote: bool) -> None:
    """Contrôle des jeux de données : la checklist open data.

    PATHS : dossiers de jeux, leurs datapackage.json, ou dossiers de jeux (par défaut datasets/).
    Code de sortie : 0 sans erreur, 1 avec erreurs (ou avertissements avec --strict), 2 si
    la commande est mal employée.
    """
    from portal.checks.base import Options
    from portal.progress import progress_bar
    from portal.report import RENDERERS
    from portal.validate import validate_paths

    options = Options(today=today or date.today(), strict=strict, allow_remote=allow_remote)
    report = validate_paths(list(paths) or [Path("datasets")], options, progress=progress_bar)
    sys.stdout.write(RENDERERS[output_format](report))
    sys.exit(0 if report.valid else 1)


@main.command()
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path(".cache/charts"),
    show_default=True,
    help="Dossier des graphiques produits (un sous-dossier par jeu).",
)
def charts(paths: tuple[Path, ...], out: Path) -> None:
    """Construit les graphiques déclarés (views) : Vega-Lite, SVG, PNG, CSV et texte alternatif.

    Un graphique dont la déclaration et les données n'ont pas changé n'est pas redessiné.
    Code de sortie : 0 si tous les graphiques sont construits, 1 sinon.
    """
    from portal.charts.render import ChartError, build_charts
    from portal.dataset import dataset_folders, load_dataset
    from portal.progress import progress_bar
    from portal.text import for_terminal, unexpected

    folders, problems = dataset_folders(list(paths) or [Path("datasets")])
    failures = [p.message for p in problems]
    rendered = unchanged = 0
    for folder in progress_bar(folders, "Graphiques"):
        dataset = load_dataset(folder)
        if not dataset.loaded:
            failures.append(dataset.load_problems[0].message)
            continue
        try:
            built = build_charts(dataset, out)
        except ChartError as error:
            failures.append(str(error))
            continue
        except Exception as error:  # noqa: BLE001 — one dataset's failure must not stop the others
            failures.append(f"{dataset.name} : {unexpected(error)}")
            continue
        rendered += sum(c.rendered for c in built)
        unchanged += sum(not c.rendered for c in built)
    for failure in failures:
        click.echo(f"erreur : {for_terminal(failure)}", err=True)
    click.echo(f"{rendered + unchanged} graphiques dans {out} : {rendered} dessinés, {unchanged} inchangés.")
    sys.exit(1 if failures else 0)


def _asked(value: str | None, question: str, check=None) -> str | None:
    """An option's value, or asked on a terminal; None when it is missing and nobody can answer."""
    if value is not None or not sys.stdin.isatty():
        return value

    def checked(answer: str) -> str:
        if check is not None and (problem := check(answer)):
            raise click.UsageError(problem)
        return answer

    return click.prompt(question, value_proc=checked)


@main.command()
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", help="Nom du portail (site_name), par exemple « Données ouvertes du Calvados ».")
@click.option("--url", help="Adresse publique du portail (site_url), https://…")
@click.option("--publisher", help="Éditeur des données : la collectivité qui publie.")
@click.option(
    "--force", is_flag=True, help="Écrire dans un dossier qui n'est pas vide (les fichiers du modèle sont remplacés)."
)
def init(folder: Path, name: str | None, url: str | None, publisher: str | None, force: bool) -> None:
    """Crée un nouveau portail dans FOLDER, prêt à construire (mkdocs build).

    mkdocs.yml (dont la phrase d'accueil à compléter), datasets/ vide, les pages à compléter dans
    docs/ (à propos, mentions légales, accessibilité), les workflows GitHub (contrôle et publication), pre-commit et un
    README. Les options absentes sont demandées sur un terminal. Code de sortie : 0 si le portail
    est écrit, 2 si la commande est mal employée (dossier non vide sans --force, adresse invalide).
    """
    from portal.init import InitRequest, UsageProblem, address_problem, create_portal, unfinished_files

    name = _asked(name, "Nom du portail")
    url = _asked(url, "Adresse publique (https://…)", address_problem)
    publisher = _asked(publisher, "Éditeur (la collectivité qui publie)")
    missing = [option for option, value in (("--name", name), ("--url", url), ("--publisher", publisher)) if not value]
    if missing:
        raise click.UsageError(
            f"donnez {', '.join(missing)} (ou lancez portal init dans un terminal, qui les demande)."
        )
    try:
        written = create_portal(InitRequest(folder, name, url, publisher, force=force))
    except UsageProblem as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Portail créé dans {folder} : {len(written)} fichiers.")
    for page in unfinished_files(folder):
        click.echo(f"  à compléter : {page.as_posix()}")
    click.echo(
        "Ensuite :\n"
        f"  cd {folder}\n"
        "  portal new NOM --from export.csv   (un jeu depuis l'export CSV d'un tableur)\n"
        "  portal validate                    (la checklist)\n"
        "  mkdocs serve                       (le portail sur http://127.0.0.1:8000)"
    )


@main.command()
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("name")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(path_type=Path),
    help="Le fichier CSV exporté du tableur, tel quel (encodage, séparateur et formats français acceptés).",
)
@click.option("--schema", help="Schéma à suivre : scdl/subventions (ou un autre schéma SCDL), ou un Table Schema JSON.")
@click.option("--title", help="Titre du jeu ; par défaut tiré de NAME.")
@click.option("--licence", default="etalab-2.0", show_default=True, help="Licence ouverte (identifiant SPDX).")
@click.option("--frequency", help="Fréquence de mise à jour (annual, monthly…) ; sinon la checklist la demande.")
@click.option(
    "--publisher", help="Éditeur ; sinon le nom unique de la colonne de l'attribuant (nomAttribuant, COLL_NOM)."
)
@click.option("--public", is_flag=True, help="L'éditeur est une administration (publicBody).")
@click.option(
    "--datasets",
    type=click.Path(path_type=Path),
    default=Path("datasets"),
    show_default=True,
    help="Dossier des jeux de données.",
)
@click.option("--force", is_flag=True, help="Remplacer le dossier du jeu s'il existe déjà.")
def new(name, source, schema, title, licence, frequency, publisher, public, datasets, force) -> None:
    """Crée datasets/NAME/ depuis un export CSV de tableur : CSV normalisé, original archivé, métadonnées.

    Affiche le rapport de conversion (tout ce qui a été converti, et chaque valeur laissée telle
    quelle) puis la checklist de ce qui reste à remplir. Code de sortie : 0 si le jeu est écrit
    (même incomplet), 1 si le fichier ne peut pas être lu, 2 si la commande est mal employée
    (dossier existant sans --force, option invalide).
    """
    from portal.new import NewRequest, UnreadableInput, UsageProblem, create_dataset
    from portal.new.report import render
    from portal.text import for_terminal

    request = NewRequest(
        name=name,
        source=source,
        datasets=datasets,
        schema=schema,
        title=title,
        licence=licence,
        frequency=frequency,
        publisher=publisher,
        public=public,
        force=force,
    )
    try:
        result = create_dataset(request)
    except UsageProblem as error:
        raise click.UsageError(for_terminal(error)) from None
    except UnreadableInput as error:
        click.echo(f"erreur : {for_terminal(error)}", err=True)
        sys.exit(1)
    # Column names and values come from the file: shown, never interpreted by the terminal.
    sys.stdout.write(for_terminal(render(result), keep_newlines=True))


@main.command("import")
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("imports", required=False, type=click.Path(path_type=Path), default=Path("imports"))
@click.option(
    "--body",
    type=click.Path(path_type=Path),
    help="Fichier où écrire la description de la demande de fusion (Markdown) ; sinon la sortie standard.",
)
@click.option(
    "--datasets",
    type=click.Path(path_type=Path),
    default=Path("datasets"),
    show_default=True,
    help="Dossier des jeux de données.",
)
@click.option(
    "--files-from",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Ne convertir que les fichiers de cette liste (un chemin par ligne, ou séparés par NUL).",
)
@click.option(
    "--edit-base", metavar="URL", help="Début des liens de modification (…/edit/BRANCHE) dans la description."
)
def import_command(
    imports: Path, body: Path | None, datasets: Path, files_from: Path | None, edit_base: str | None
) -> None:
    """Convertit chaque export déposé dans IMPORTS (imports/ par défaut) comme portal new.

    Le nom du jeu vient du nom du fichier (« Subventions 2018.csv » → subventions-2018) ; un
    fichier dont le nom commence par subventions, deliberations, equipements ou budget, ou
    dont les en-têtes sont ceux d'un schéma SCDL, suit ce schéma national. Un fichier converti
    quitte IMPORTS (l'original est gardé dans archive/ du jeu) ; un fichier refusé y reste.
    Avec --files-from, seuls les fichiers listés sont convertis (ceux qu'un envoi a ajoutés).
    Écrit la description de la demande de fusion : rapport de conversion, ce qui reste à faire
    et résultat de portal validate. Code de sortie : 0 si un fichier au moins est converti (ou
    s'il n'y a rien à importer), 1 si aucun ne peut l'être.
    """
    from portal import atomic
    from portal.new.imports import Imported, import_uploads, read_list, render_body
    from portal.text import for_terminal

    try:
        listed = read_list(files_from) if files_from is not None else None
    except OSError as error:
        raise click.UsageError(f"--files-from : {files_from} ne peut pas être lu ({error.strerror}).") from None
    outcomes = import_uploads(imports, datasets, listed)
    text = render_body(outcomes, edit_base)
    if body is None:
        sys.stdout.write(for_terminal(text, keep_newlines=True))
    else:
        atomic.write_text(body, text)
    imported = sum(isinstance(o, Imported) for o in outcomes)
    for outcome in outcomes:
        shown = for_terminal(outcome.upload.name)
        if isinstance(outcome, Imported):
            click.echo(f"{shown} → {datasets}/{outcome.name}", err=True)
        else:
            click.echo(f"erreur : {for_terminal(outcome.reason)}", err=True)
    sys.exit(0 if imported or not outcomes else 1)


@main.group()
@click.help_option("-h", "--help", help="Afficher cette aide.")
def publish() -> None:
    """Publier les jeux de données sur un autre portail."""


@publish.command("ckan")
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--url", required=True, help="Adresse de l'instance CKAN (https://…).")
@click.option("--org", "organisation", required=True, help="Nom de l'organisation CKAN qui publie les jeux.")
@click.option("--dry-run", is_flag=True, help="Afficher ce qui changerait, sans rien écrire.")
@click.option(
    "--prune",
    is_flag=True,
    help="Supprimer de l'organisation les jeux publiés par portal qui ne sont plus dans datasets/.",
)
@click.option("--create-org", is_flag=True, help="Créer l'organisation si elle n'existe pas.")
@click.option("--force", is_flag=True, help="Publier aussi les jeux que portal validate trouve en erreur.")
@click.option(
    "--base-url", help="Adresse publique du portail, pour le lien de chaque jeu ; par défaut site_url de mkdocs.yml."
)
def publish_ckan(paths, url, organisation, dry_run, prune, create_org, force, base_url) -> None:
    """Pousse les jeux vers CKAN avec ckanapi : métadonnées, CSV, JSON et datapackage.json.

    Le jeton d'API est lu dans la variable d'environnement CKAN_API_TOKEN ; il n'est jamais
    affiché ni écrit. Une seconde publication sans changement n'écrit rien. Code de sortie :
    0 si tous les jeux sont publiés, 1 sinon, 2 si la commande est mal employée.
    """
    import os

    from portal.catalog.export import mkdocs_settings
    from portal.progress import progress_bar
    from portal.publish.ckan.client import url_problem
    from portal.publish.ckan.run import Target, publish, render
    from portal.text import for_terminal

    if problem := url_problem(url):
        click.echo(f"erreur : --url : {problem}", err=True)
        sys.exit(2)
    token = os.environ.get("CKAN_API_TOKEN") or None
    if token is None and not dry_run:
        raise click.UsageError("CKAN_API_TOKEN n'est pas défini : donnez le jeton d'API de CKAN dans cette variable.")
    base_url = base_url or mkdocs_settings(Path("mkdocs.yml")).get("base_url")
    if not base_url:
        raise click.UsageError("adresse publique du portail inconnue : donnez --base-url ou site_url dans mkdocs.yml.")
    target = Target(url=url, organisation=organisation, token=token, base_url=base_url.rstrip("/") + "/")
    report = publish(
        list(paths) or [Path("datasets")],
        target,
        dry_run=dry_run,
        prune=prune,
        create_org=create_org,
        force=force,
        progress=progress_bar,
    )
    sys.stdout.write(for_terminal(render(report), keep_newlines=True))
    sys.exit(0 if report.ok else 1)


@main.group()
@click.help_option("-h", "--help", help="Afficher cette aide.")
def export() -> None:
    """Exporter les métadonnées du catalogue sans construire le site."""


@export.command("dcat")
@click.help_option("-h", "--help", help="Afficher cette aide.")
@click.argument("datasets", required=False, type=click.Path(path_type=Path), default=Path("datasets"))
@click.option(
    "--out", type=click.Path(path_type=Path), help="Fichier à écrire (.ttl ou .jsonld) ; sinon la sortie standard."
)
@click.option("--base-url", help="Adresse publique du portail ; par défaut site_url de mkdocs.yml.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "json-ld"]),
    help="Par défaut, d'après l'extension de --out, sinon turtle.",
)
def export_dcat_command(datasets: Path, out: Path | None, base_url: str | None, fmt: str | None) -> None:
    """Le catalogue DCAT-AP 3 des jeux de données, pour les moissonneurs (data.gouv.fr, data.europa.eu).

    Code de sortie : 0 si le catalogue est écrit, 1 si un jeu porte un nom refusé (rien n'est écrit),
    2 sans adresse publique (--base-url ou site_url).
    """
    from portal.catalog.export import CatalogueError, export_dcat, mkdocs_settings

    settings = mkdocs_settings(Path("mkdocs.yml"))
    base_url = base_url or settings.get("base_url")
    if not base_url:
        raise click.UsageError(
            "adresse publique inconnue : donnez --base-url https://… ou site_url dans mkdocs.yml "
            "(toutes les adresses du catalogue sont absolues)."
        )
    if not base_url.endswith("/"):
        base_url += "/"
    fmt = fmt or ("json-ld" if out is not None and out.suffix in {".jsonld", ".json"} else "turtle")
    try:
        text = export_dcat(datasets, base_url, fmt, settings)
    except CatalogueError as error:
        click.echo(f"erreur : {error}", err=True)
        sys.exit(1)
    if out is None:
        from portal.text import json_for_terminal

        sys.stdout.write(json_for_terminal(text))  # the same catalogue, nothing a terminal would obey
    else:
        from portal import atomic

        atomic.write_text(out, text)  # whole or not at all, even on Ctrl-C
        click.echo(f"catalogue DCAT écrit dans {out}", err=True)


if __name__ == "__main__":
    main()
