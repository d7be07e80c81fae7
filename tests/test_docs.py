"""Docs that tests keep honest: every code, command, frequency and theme is documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from portal.problems import CODES
from portal.score import CRITERIA
from portal.vocabularies import FREQUENCIES, FREQUENCY_ALIASES, LICENCES, THEMES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "portal" / "site" / "docs" / "reference"


def test_generated_reference_is_up_to_date():
    result = subprocess.run(
        [sys.executable, "scripts/gen_reference.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_problem_code_is_documented_and_no_other():
    import re

    page = (REFERENCE / "codes.md").read_text("utf-8")
    table = page.split("<!-- codes:start -->")[1].split("<!-- codes:end -->")[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.M))
    assert documented == set(CODES)


# The codes by which portal validate refuses or flags a hostile package: the threat model names each.
DEFENCE_CODES = {
    "name-unsafe",
    "path-unsafe",
    "resource-not-file",
    "schema-path-unsafe",
    "view-spec-remote",
    "view-spec-too-large",
    "text-control-escape",
    "description-remote-image",
    "description-unsafe-link",
    "description-plain-text",
    "text-control-characters",
    "url-not-web",
    "email-invalid",
    "descriptor-too-deep",
}


def test_the_threat_model_names_real_codes_and_every_defence():
    import re

    import yaml

    page = (ROOT / "docs" / "securite.md").read_text("utf-8")
    named = set(re.findall(r"\(`([a-z0-9]+(?:-[a-z0-9]+)+)`", page))  # "(`name-unsafe`)"
    assert named <= set(CODES), named - set(CODES)
    assert named >= DEFENCE_CODES, DEFENCE_CODES - named
    assert set(CODES) >= DEFENCE_CODES
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert "securite.md" in json.dumps(config["nav"], ensure_ascii=False)
    for module in ("paths", "charts", "pages", "text", "downloads", "resources", "interrupt", "property"):
        assert (ROOT / "tests" / "hostile" / f"test_hostile_{module}.py").is_file()


def test_every_criterion_is_documented():
    page = (REFERENCE / "controles.md").read_text("utf-8")
    for criterion in CRITERIA:
        assert f"| {criterion.label} | {criterion.origin} |" in page


def test_profile_documents_every_frequency_theme_and_alias():
    page = (REFERENCE / "profil.md").read_text("utf-8")
    for value in [*FREQUENCIES, *FREQUENCY_ALIASES]:
        assert f"`{value}`" in page, value
    for code, label in THEMES.items():
        assert f"| `{code}` | {label} |" in page


def test_profile_schema_enumerates_the_same_themes():
    schema = json.loads((ROOT / "portal" / "schemas" / "portal-datapackage.schema.json").read_text("utf-8"))
    assert schema["properties"]["theme"]["items"]["enum"] == list(THEMES)


def test_open_licences_are_documented():
    page = (REFERENCE / "controles.md").read_text("utf-8")
    for licence in LICENCES:
        if licence.open:
            assert f"| `{licence.id}` |" in page


def test_readme_commands_are_makefile_targets():
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make site" in readme and "make test" in readme
    assert "\nsite:" in makefile and "\ntest:" in makefile
    assert "make test" in ci


def test_chart_declaration_is_documented():
    from portal.charts.declaration import AGGREGATES, CHART_TYPES, FORMATS, RAW, View

    page = (REFERENCE / "graphiques.md").read_text("utf-8")
    for chart_type in (*CHART_TYPES, RAW):
        assert f"| `{chart_type}` |" in page, chart_type
    properties = [f for f in View.__dataclass_fields__ if f not in {"declaration"}]
    for name in properties:
        assert f"`{name}`" in page, name
    for value in (*FORMATS, *AGGREGATES):
        assert f"`{value}`" in page, value
    assert "5 000 lignes" in page


def test_publisher_ci_workflow_and_pre_commit_hook():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "portal.yml").read_text("utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML reads the key "on" as True
    assert {"push", "pull_request"} <= set(triggers)
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "portal validate --format github" in steps and "mkdocs gh-deploy --force" in steps
    assert workflow["jobs"]["deploy"]["if"] == "github.ref == 'refs/heads/main' && github.event_name == 'push'"
    for name in (".pre-commit-config.yaml", ".pre-commit-hooks.yaml"):
        assert "entry: portal validate" in (ROOT / name).read_text("utf-8")
    guide = (REFERENCE.parent / "guide" / "valider-ses-donnees.md").read_text("utf-8")
    assert ".github/workflows/portal.yml" in guide and "pre-commit install" in guide


# --- the guide « Publier vos données » (publishing from the browser) --------------------------

GUIDE = ROOT / "portal" / "site" / "docs" / "guide" / "publier-vos-donnees.md"
SAMPLE = ROOT / "portal" / "site" / "assets" / "exemples" / "subventions-exemple.csv"


def _guide_table(heading: str) -> list[list[str]]:
    """The rows of the first table under the guide's section ``heading``, as lists of cells."""
    section = GUIDE.read_text("utf-8").split(f"\n## {heading}")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def test_the_guide_lists_every_field_of_the_national_subsidies_schema_with_an_example():
    import re

    from portal.scdl import load_schema

    fields = {f["name"]: f for f in load_schema("scdl/subventions")["fields"]}
    section = GUIDE.read_text("utf-8").split("\n## 1. Préparer le tableau")[1].split("\n## ")[0]
    items = re.findall(
        r"^- \*\*`(\w+)`\*\* \((obligatoire|facultatif)[^)]*\) : (.+) ; exemple : « (.+) »\.$", section, re.M
    )
    assert [name for name, *_ in items] == list(fields)  # every field, in the schema's order, and no other
    for name, required, what, example in items:
        assert (required == "obligatoire") == bool((fields[name].get("constraints") or {}).get("required")), name
        assert what and example, name


def test_the_guide_explains_real_codes_and_every_code_a_new_subsidies_dataset_gets(tmp_path):
    from datetime import UTC, datetime

    from portal.new import NewRequest, create_dataset

    explained = [row[0].strip("`") for row in _guide_table("5. Compléter et corriger")]
    assert explained and set(explained) <= set(CODES), set(explained) - set(CODES)
    messy = tmp_path / "subventions.csv"
    # A messy subsidies export: renamed headers, a bad SIRET, a truncated nature, « Non », 45 %.
    messy.write_text(
        "Nom attribuant;ID attribuant;Date convention;Nom bénéficiaire;idBeneficiaire;Objet;Montant;Nature;"
        "notificationUE;pourcentageSubvention\r\n"
        "Ville de X;21999194000013;12/02/2026;Club;;Foot;1 200,50;numéraire;Non;45\r\n",
        "utf-8",
    )
    for source in (SAMPLE, messy):
        request = NewRequest(name=source.stem, source=source, datasets=tmp_path / "datasets", schema="scdl/subventions")
        report = create_dataset(request, now=datetime(2026, 11, 22, tzinfo=UTC)).validation
        assert {p.code for p in report.problems} <= set(explained), source.name


def test_the_guide_sample_converts_cleanly_and_passes_validation(tmp_path):
    from datetime import UTC, datetime

    from portal.new import NewRequest, create_dataset

    raw = SAMPLE.read_text("utf-8")
    assert ";" in raw and "12 500,00" in raw and "12/02/2026" in raw  # a French spreadsheet's export
    assert "../assets/exemples/subventions-exemple.csv" in GUIDE.read_text("utf-8")
    request = NewRequest(name="exemple", source=SAMPLE, datasets=tmp_path, schema="scdl/subventions")
    result = create_dataset(request, now=datetime(2026, 11, 22, tzinfo=UTC))
    assert not result.failures and not result.warnings and not result.abandoned
    assert result.match.mapping == {name: name for name in result.match.mapping} and not result.match.missing
    assert result.validation.errors == []


def test_the_guide_screenshots_exist_are_small_and_have_alt_text():
    import re

    text = GUIDE.read_text("utf-8")
    images = re.findall(r"!\[([^\]]*)\]\(\.\./(assets/guide/[^)]+\.png)\)", text)
    assert len(images) >= 2
    # Loaded when the reader scrolls to them: the page stays within a text page's weight (300 KB).
    assert text.count("{ loading=lazy") == len(images)
    for alt, path in images:
        assert len(alt) > 40, path  # says what the screenshot shows
        size = (ROOT / "portal" / "site" / path).stat().st_size
        assert size < 80_000, f"{path} : {size} octets"
