"""National SCDL schemas: the schemas, their custom checks, and whole packages that follow them."""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.scdl import VERSIONS, load_schema, published_url, schema_name
from portal.scdl.checks import (
    ACTES_SUBJECTS,
    CHECKS,
    custom_checks,
    header_findings,
    luhn_valid,
    nomenclature_error,
    rna_valid,
    siren_valid,
    siret_error,
    siret_valid,
    territory,
    validate_rows,
    year_interval_error,
)
from tests.conftest import FIXTURES, check

SCDL = FIXTURES / "scdl"
# The published definitions (schema.data.gouv.fr, Licence Ouverte), kept in the project for this test.
PUBLISHED = Path(__file__).parent / "reference" / "scdl"


# The schemas -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", VERSIONS)
def test_schema_loads_from_every_kind_of_reference(name):
    references = [f"scdl/{name}", f"scdl/{name}@{VERSIONS[name]}", published_url(name)]
    schemas = [load_schema(reference) for reference in references]
    assert all(schema == schemas[0] for schema in schemas)
    schema = schemas[0]
    assert schema["name"] == name and schema["version"] == VERSIONS[name]
    assert schema_name(schema["url"]) == name  # the published path is recognised too
    for field in schema["fields"]:
        assert field["description"].strip() and field["title"].strip(), field["name"]


@pytest.mark.parametrize("name", VERSIONS)
def test_every_custom_check_of_the_schemas_is_implemented(name):
    for entry in custom_checks(load_schema(f"scdl/{name}")):
        assert entry["name"] in CHECKS


@pytest.mark.parametrize("name", VERSIONS)
def test_schema_keeps_the_facts_of_the_published_definition(name):
    published = json.loads((PUBLISHED / f"{name}.schema.json").read_text("utf-8"))
    ours = load_schema(f"scdl/{name}")
    facts = ("name", "type", "format", "constraints", "trueValues", "falseValues")
    assert [{k: f[k] for k in facts if k in f} for f in ours["fields"]] == [
        {k: f[k] for k in facts if k in f} for f in published["fields"]
    ]
    for key in ("name", "title", "version", "custom_checks", "missingValues", "primaryKey"):
        assert ours.get(key) == published.get(key), key
    assert ours["url"] == published["path"]
    # The descriptions are ours, in French, not the published wording.
    for mine, theirs in zip(ours["fields"], published["fields"], strict=True):
        assert mine["description"] != theirs.get("description"), mine["name"]


# Identifiers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("21999194000012", True),
        ("79912345000014", True),
        ("21999194000013", False),  # last digit off: the Luhn key fails
        ("21999194100012", False),  # the SIREN part fails its own key
        ("2199919400001", False),  # 13 digits
        ("219991940000120", False),  # 15 digits
        ("21999 194000012", False),
        ("2199919400001A", False),
        ("", False),
        ("35600000042050", True),  # La Poste: digits add up to 25, a multiple of 5, though not a Luhn number
        ("35600000042051", False),  # La Poste: 26
        ("35600000000048", True),  # La Poste's head office: an ordinary Luhn SIRET
    ],
)
def test_siret(value, valid):
    assert siret_valid(value) is valid


def test_la_poste_exception_is_needed():
    assert not luhn_valid("35600000042050")
    assert "La Poste" in siret_error("35600000042051")


@pytest.mark.parametrize(
    ("value", "valid"),
    [("219991940", True), ("356000000", True), ("219991941", False), ("21999194", False), ("21999194O", False)],
)
def test_siren(value, valid):
    assert siren_valid(value) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("W751234567", True),
        ("W861002345", True),
        ("W75123456", False),
        ("W7512345678", False),
        ("w751234567", False),
        ("W75123456A", False),
        ("751234567", False),
        (" W751234567", False),
    ],
)
def test_rna(value, valid):
    assert rna_valid(value) is valid


# Years and nomenclature --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "allow_year_only", "fails"),
    [
        ("2025/2026", False, None),
        ("2025/2026", True, None),
        ("2026", True, None),
        ("2026", False, "attendu"),
        ("2026/2026", True, "les mêmes"),
        ("2027/2026", True, "2026/2027"),
        ("2026-2027", True, "attendu"),
        ("26/27", True, "attendu"),
    ],
)
def test_year_interval(value, allow_year_only, fails):
    error = year_interval_error(value, allow_year_only)
    assert (error is None) if fails is None else (fails in error)


@pytest.mark.parametrize(
    "value",
    [
        "Finances locales/Décisions budgétaires",
        "finances locales/décisions budgétaires",
        "FINANCES LOCALES/Fiscalité",
        "Domaines de competences par themes/Culture",
        "Libertés publiques et pouvoirs de police/Police municipale",
        *(f"{subject}/autre" for subject in ACTES_SUBJECTS),
    ],
)
def test_nomenclature_accepts(value):
    assert nomenclature_error(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Finances locales", "barre oblique"),
        ("Finances locales / Décisions budgétaires", "espace"),
        ("Finances locales/ Décisions budgétaires", "espace"),
        ("Sport/Subventions aux clubs", "« Sport » n'est pas une matière"),
        ("/Décisions budgétaires", "n'est pas une matière"),
    ],
)
def test_nomenclature_rejects(value, reason):
    assert reason in nomenclature_error(value)


# Coordinates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude", "place"),
    [
        (48.8566, 2.3522, "France métropolitaine"),  # Paris
        (41.9192, 8.7386, "France métropolitaine"),  # Ajaccio
        (48.3904, -4.4861, "France métropolitaine"),  # Brest
        (16.2411, -61.5331, "Guadeloupe"),  # Pointe-à-Pitre
        (14.6161, -61.0588, "Martinique"),  # Fort-de-France
        (4.9224, -52.3135, "Guyane"),  # Cayenne
        (-20.8823, 55.4504, "La Réunion"),  # Saint-Denis
        (-12.7806, 45.2279, "Mayotte"),  # Mamoudzou
        (46.7811, -56.1764, "Saint-Pierre-et-Miquelon"),
        (-17.5516, -149.5585, "Polynésie française"),  # Papeete
        (-22.2758, 166.4580, "Nouvelle-Calédonie"),  # Nouméa
        (-13.2825, -176.1740, "Wallis-et-Futuna"),  # Mata-Utu
        (51.5074, -0.1278, None),  # London
        (40.4168, -3.7038, None),  # Madrid
        (2.3522, 48.8566, None),  # Paris, swapped
        (0.0, 0.0, None),
    ],
)
def test_territory(latitude, longitude, place):
    assert territory(latitude, longitude) == place


# Row checks, on small tables ---------------------------------------------------------------

COORDINATES = {
    "name": "equipements",
    "fields": [{"name": "EQUIP_LAT", "type": "number"}, {"name": "EQUIP_LONG", "type": "number"}],
}


def found(schema: dict, table: list[list[str]]) -> list[tuple[str, int, str]]:
    labels, *rows = table
    return [(f.code, f.row, f.field) for f in validate_rows(schema, labels, rows)]


def test_gps_coordinates():
    table = [
        ["EQUIP_LAT", "EQUIP_LONG"],
        ["46.5802", "0.3404"],  # row 2: metropolitan France
        ["0.3404", "46.5802"],  # row 3: swapped
        ["-21.0", "55.5"],  # row 4: La Réunion
        ["55.5", "-21.0"],  # row 5: La Réunion, swapped
        ["6570000", "495000"],  # row 6: Lambert 93, not degrees
        ["0", "0"],  # row 7
        ["", "0.34"],  # row 8: an empty cell is left to `required`
        ["abc", "0.34"],  # row 9: not a number, left to frictionless
    ]
    assert found(COORDINATES, table) == [
        ("gps-swapped", 3, "EQUIP_LAT"),
        ("gps-swapped", 5, "EQUIP_LAT"),
        ("gps-out-of-france", 6, "EQUIP_LAT"),
        ("gps-out-of-france", 7, "EQUIP_LAT"),
    ]
    swapped = next(validate_rows(COORDINATES, table[0], [table[2]]))
    assert "inversées" in swapped.message and "France métropolitaine" in swapped.message
    assert "Échangez" in swapped.fix


DELIBERATIONS = load_schema("scdl/deliberations")


def only(name: str) -> list[dict]:
    return [c for c in DELIBERATIONS["custom_checks"] if c["name"] == name]


def test_compare_columns_dates_and_counts():
    labels = ["DELIB_DATE", "PREF_DATE", "VOTE_EFFECTIF", "VOTE_REEL"]
    table = [
        labels,
        ["2026-03-03", "2026-03-06", "29", "28"],  # row 2: fine
        ["2026-03-03", "2026-03-03", "29", "29"],  # row 3: equal is fine
        ["2026-03-03", "2026-03-01", "29", "28"],  # row 4: received before it was voted
        ["2026-03-03", "", "29", "31"],  # row 5: more voters than members
        ["2026-03-03", "le 6 mars", "29", ""],  # row 6: not a date, not checked
    ]
    compare = {**DELIBERATIONS, "custom_checks": only("compare-columns-value")}
    assert found(compare, table) == [
        ("compare-columns-invalid", 4, "PREF_DATE"),
        ("compare-columns-invalid", 5, "VOTE_EFFECTIF"),
    ]
    message = next(validate_rows(compare, labels, [table[3]])).message
    assert "« PREF_DATE » (2026-03-01)" in message and "postérieure ou égale" in message


def test_sum_and_cohesive_columns():
    labels = ["VOTE_EFFECTIF", "VOTE_REEL", "VOTE_POUR", "VOTE_CONTRE", "VOTE_ABSTENTION", "BUDGET_ANNEE", "BUDGET_NOM"]
    table = [
        labels,
        ["29", "27", "21", "4", "2", "2026", "Budget principal"],  # row 2: fine
        ["29", "27", "21", "4", "1", "", ""],  # row 3: 21 + 4 + 1 is not 27
        ["29", "27", "21", "4", "", "2026", ""],  # row 4: vote columns and budget columns half filled
        ["", "", "", "", "", "", ""],  # row 5: all empty is fine
    ]
    assert found(DELIBERATIONS, table) == [
        ("sum-columns-invalid", 3, "VOTE_REEL"),
        ("cohesive-columns-invalid", 4, "BUDGET_NOM"),
        ("cohesive-columns-invalid", 4, "VOTE_ABSTENTION"),
    ]


def test_cohesive_columns_must_be_present_together():
    labels = ["COLL_NOM", "BUDGET_ANNEE"]
    assert found(DELIBERATIONS, [labels, ["Exempleville", "2026"]]) == [("cohesive-columns-invalid", 1, "BUDGET_NOM")]


SUBVENTIONS = load_schema("scdl/subventions")


def test_one_of_required():
    table = [
        ["idBeneficiaire", "rnaBeneficiaire"],
        ["79912345000014", ""],
        ["", "W861002345"],
        ["", ""],  # row 4: neither
    ]
    assert found(SUBVENTIONS, table) == [("one-of-required-missing", 4, "idBeneficiaire")]
    # One column absent: the other must be filled on every row.
    assert found(SUBVENTIONS, [["rnaBeneficiaire"], ["W861002345"], [""]]) == [
        ("one-of-required-missing", 3, "idBeneficiaire")
    ]
    # Both absent: said once, on the header.
    assert found(SUBVENTIONS, [["nomBeneficiaire"], ["Asso"], ["Club"]]) == [
        ("one-of-required-missing", 1, "idBeneficiaire")
    ]


def test_value_checks_skip_empty_cells_and_respect_missing_values():
    schema = {
        "name": "x",
        "fields": [{"name": "siret", "type": "string"}],
        "missingValues": ["", "NA"],
        "custom_checks": [{"name": "french-siret-value", "params": {"column": "siret"}}],
    }
    assert found(schema, [["siret"], [""], ["NA"], ["123"]]) == [("siret-invalid", 4, "siret")]


def test_siren_check():
    schema = {"name": "x", "custom_checks": [{"name": "french-siren-value", "params": {"column": "siren"}}]}
    table = [["siren"], ["219991940"], ["219991941"], ["21999194"]]
    assert found(schema, table) == [("siren-invalid", 3, "siren"), ("siren-invalid", 4, "siren")]
    assert "9 chiffres" in list(validate_rows(schema, table[0], table[1:]))[1].message


def test_rows_are_streamed():
    """The first finding comes before the rows are all read: an endless table works."""
    schema = {"name": "x", "custom_checks": [{"name": "french-siret-value", "params": {"column": "siret"}}]}
    endless = itertools.repeat(["12345678901234"])
    first = next(validate_rows(schema, ["siret"], endless))
    assert (first.code, first.row, first.field) == ("siret-invalid", 2, "siret")


def test_header_findings():
    schema = load_schema("scdl/deliberations")
    names = [f["name"] for f in schema["fields"]]
    # Reordered, one optional column left out (DELIB_URL), one extra column; a required one (COLL_NOM) left out.
    labels = [names[2], names[1], *names[3:-1], "COMMENTAIRE"]
    assert [(f.code, f.row, f.field) for f in header_findings(schema, labels)] == [
        ("scdl-missing-optional-column", 1, "DELIB_URL"),
        ("scdl-extra-column", 1, "COMMENTAIRE"),
        ("scdl-column-order", 1, "COLL_SIRET"),
    ]
    assert list(header_findings(schema, names)) == []


# Whole packages ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", VERSIONS)
def test_conforming_package_scores_100_in_strict_mode(name, cli):
    folder = SCDL / name
    report = check(folder, strict=True)
    assert report.problems == [] and report.score == 100
    result = cli("validate", str(folder), "--strict", "--today", "2026-11-22", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["datasets"][0]["score"] == 100


def test_semicolon_separated_scdl_file(tmp_path):
    folder = tmp_path / "deliberations"
    shutil.copytree(SCDL / "deliberations", folder)
    csv_path = folder / "deliberations.csv"
    csv_path.write_text(csv_path.read_text("utf-8").replace(",", ";"), "utf-8")
    data = json.loads((folder / "datapackage.json").read_text("utf-8"))
    data["resources"][0]["dialect"] = {"csv": {"delimiter": ";"}}
    (folder / "datapackage.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    report = check(folder, strict=True)
    assert report.problems == [] and report.score == 100


@pytest.fixture
def scdl_package(tmp_path: Path) -> Callable[..., Path]:
    """A copy of a conforming SCDL package with its CSV replaced."""

    def make(name: str, csv: str, descriptor: Callable[[dict], None] | None = None) -> Path:
        folder = tmp_path / name
        shutil.copytree(SCDL / name, folder)
        (folder / f"{name}.csv").write_text(csv, "utf-8")
        if descriptor:
            path = folder / "datapackage.json"
            data = json.loads(path.read_text("utf-8"))
            descriptor(data)
            path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        return folder

    return make


def problems(folder: Path) -> list[tuple[str, int | None, str | None]]:
    return sorted(((p.code, p.row, p.field) for p in check(folder).problems), key=lambda t: (t[1] or 0, t[0], t[2]))


SUBVENTIONS_HEADER = (
    "nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,idBeneficiaire,rnaBeneficiaire,"
    "objet,montant,nature,conditionsVersement,datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,"
    "dispositifAide\n"
)


def test_failing_subventions(scdl_package):
    rows = [
        # row 2: the attribuant's SIRET has a wrong key; the RNA number is a digit short
        "Exempleville,21999194000013,2026-02-12,,Asso A,79912345000014,W86100234,Objet,100,aide en numéraire,unique,2026-03-01,,non,1,",
        # row 3: neither SIRET nor RNA for the beneficiary
        "Exempleville,21999194000012,2026-02-12,,Asso B,,,Objet,100,aide en nature,unique,2026-03-01,,non,1,",
        # row 4: a La Poste SIRET whose digits do not add up to a multiple of 5
        "Exempleville,21999194000012,2026-02-12,,La Poste,35600000042051,,Objet,100,aide en numéraire,unique,2026-03-01,,non,1,",
        # row 5: a SIRET too short (reported once, not also as a pattern error); the amount is not a number
        "Exempleville,21999194000012,2026-02-12,,Asso D,1234,,Objet,cent,aide en numéraire,unique,2026-03-01,,non,1,",
    ]
    folder = scdl_package("subventions", SUBVENTIONS_HEADER + "\n".join(rows) + "\n")
    assert problems(folder) == [
        ("rna-invalid", 2, "rnaBeneficiaire"),
        ("siret-invalid", 2, "idAttribuant"),
        ("one-of-required-missing", 3, "idBeneficiaire"),
        ("siret-invalid", 4, "idBeneficiaire"),
        ("siret-invalid", 5, "idBeneficiaire"),
        ("type-error", 5, "montant"),
    ]
    by_code: dict[str, object] = {}
    for found_problem in check(folder).problems:
        by_code.setdefault(found_problem.code, found_problem)
    siret = by_code["siret-invalid"]
    assert siret.file.endswith("subventions.csv") and siret.check == "scdl" and siret.severity == "error"
    assert "ligne 2, champ « idAttribuant »" in siret.message and "clé de contrôle" in siret.message
    assert "Corrigez la valeur" in by_code["type-error"].fix and "national" in by_code["type-error"].fix


DELIBERATIONS_HEADER = (
    "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,BUDGET_ANNEE,"
    "BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,VOTE_ABSTENTION,DELIB_URL\n"
)


def test_failing_deliberations(scdl_package):
    rows = [
        # row 2: received at the préfecture before the vote; 21 + 4 + 2 is not 28
        "Exempleville,21999194000012,D1,2026-02-10,7.1,Finances locales/Décisions budgétaires,Budget,2026,Principal,PREF086,2026-02-09,29,28,21,4,2,",
        # row 3: a period written backwards; a budget year without a budget name
        "Exempleville,21999194000012,D2,2026-03-03,1.1,Commande publique/Marchés publics,Marché,2029/2026,,PREF086,2026-03-06,,,,,,",
        # row 4: spaces around the slash; more voters than members
        "Exempleville,21999194000012,D3,2026-04-07,7.1,Finances locales / Fiscalité,Taux,,,,,29,30,30,0,0,",
        # row 5: not a subject of the ACTES nomenclature; a wrong SIRET
        "Exempleville,21999194000021,D4,2026-06-16,8.9,Sport/Subventions aux clubs,Clubs,,,,,,,,,,",
    ]
    folder = scdl_package("deliberations", DELIBERATIONS_HEADER + "\n".join(rows) + "\n")
    assert problems(folder) == [
        ("compare-columns-invalid", 2, "PREF_DATE"),
        ("sum-columns-invalid", 2, "VOTE_REEL"),
        ("cohesive-columns-invalid", 3, "BUDGET_NOM"),
        ("year-interval-invalid", 3, "BUDGET_ANNEE"),
        ("compare-columns-invalid", 4, "VOTE_EFFECTIF"),
        ("nomenclature-invalid", 4, "DELIB_MATIERE_NOM"),
        ("nomenclature-invalid", 5, "DELIB_MATIERE_NOM"),
        ("siret-invalid", 5, "COLL_SIRET"),
    ]


EQUIPEMENTS_HEADER = (
    "COLL_NOM,COLL_SIRET,EQUIP_UID,EQUIP_THEME,EQUIP_CODE,EQUIP_TYPE,EQUIP_NOM,ADR_NUMERO,ADR_NOMVOIE,ADR_CODEPOSTAL,"
    "ADR_COMMUNE,ADR_CLE_INTEROP,ERP_ID,ERP_TYPE,ERP_CATEGORIE,EQUIP_LAT,EQUIP_LONG,EQUIP_OUVERTURE,EQUIP_TEL,"
    "EQUIP_EMAIL,EQUIP_WEB\n"
)
EQUIPEMENT = (
    "Exempleville,21999194000012,86194-01010401-00{n},Equipement administratif,01010401-00{n},Mairie,Mairie,1,"
    "Place de la Mairie,86000,Exempleville,86194_0420_00001,,,,{lat},{lon},,,,\n"
)


def test_failing_equipements(scdl_package):
    rows = [
        EQUIPEMENT.format(n=1, lat="46.5802", lon="0.3404"),  # row 2: fine
        EQUIPEMENT.format(n=2, lat="0.3404", lon="46.5802"),  # row 3: swapped
        EQUIPEMENT.format(n=3, lat="-20.8823", lon="55.4504"),  # row 4: La Réunion, fine
        EQUIPEMENT.format(n=4, lat="6570000", lon="495000"),  # row 5: Lambert 93
    ]
    folder = scdl_package("equipements", EQUIPEMENTS_HEADER + "".join(rows))
    assert problems(folder) == [("gps-swapped", 3, "EQUIP_LAT"), ("gps-out-of-france", 5, "EQUIP_LAT")]


def test_budget_header_remarks_and_missing_required_column(scdl_package):
    """Columns matched by name: remarks for optional, extra and reordered columns; one error per required one."""
    header = (
        "BGT_ANNEE,BGT_NATDEC,BGT_SIRET,BGT_CONTNAT,BGT_CONTNAT_LABEL,BGT_NATURE,BGT_NATURE_LABEL,BGT_SECTION,"
        "BGT_OPBUDG,BGT_CODRD,BGT_MTPREV,COMMENTAIRE\n"
    )
    rows = [
        "2026,budget primitif,21999194000012,6411,Personnel titulaire,012,Charges de personnel,fonctionnement,réel,dépense,2465000,\n",
        "2026,budget primitif,21999194000012,73111,Impôts directs locaux,731,Fiscalité locale,fonctionnement,réel,recette,4015000,voté\n",
    ]
    folder = scdl_package("budget", header + "".join(rows))
    found_problems = problems(folder)
    optional = sorted(
        f["name"]
        for f in load_schema("scdl/budget")["fields"]
        if not f["constraints"].get("required") and f["name"] not in header
    )
    assert found_problems == [
        ("missing-label", 1, "BGT_NOM"),
        ("scdl-column-order", 1, "BGT_NATDEC"),
        ("scdl-extra-column", 1, "COMMENTAIRE"),
        *[("scdl-missing-optional-column", 1, name) for name in optional],
    ]
    report = check(folder)
    missing = next(p for p in report.problems if p.code == "missing-label")
    assert "obligatoire" in missing.message and "scdl/budget" in missing.message
    assert "Ajoutez cette colonne" in missing.fix
    # Without the required column the file fails; the remarks alone would not cost a point.
    assert report.score < 100


def test_reordered_and_extra_columns_are_only_remarks(scdl_package, cli):
    source = (SCDL / "budget" / "budget.csv").read_text("utf-8").splitlines()
    rows = [line.split(",") for line in source]
    # Swap the first two columns and add a column at the end.
    table = [[r[1], r[0], *r[2:], "note" if i == 0 else ""] for i, r in enumerate(rows)]
    folder = scdl_package("budget", "\n".join(",".join(r) for r in table) + "\n")
    report = check(folder)
    assert sorted(p.code for p in report.problems) == ["scdl-column-order", "scdl-extra-column"]
    assert all(p.severity == "warning" for p in report.problems) and report.score == 100
    assert cli("validate", str(folder), "--today", "2026-11-22").exit_code == 0
    assert cli("validate", str(folder), "--today", "2026-11-22", "--strict").exit_code == 1


def test_duplicate_header_in_an_scdl_file(scdl_package):
    header = "BGT_NATDEC,BGT_NATDEC,BGT_ANNEE\n"
    folder = scdl_package("budget", header + "budget primitif,budget primitif,2026\n")
    assert ("duplicate-label", 1, "BGT_NATDEC") in problems(folder)
    assert "table-error" not in [code for code, _, _ in problems(folder)]


def test_unknown_scdl_schema(scdl_package):
    def unknown(data: dict) -> None:
        data["resources"][0]["schema"] = "scdl/marches-publics"

    folder = scdl_package("budget", (SCDL / "budget" / "budget.csv").read_text("utf-8"), unknown)
    report = check(folder)
    unresolved = [p for p in report.problems if p.code == "schema-unresolved"]
    assert len(unresolved) == 1 and "scdl/subventions" in unresolved[0].fix


def test_findings_are_capped_per_resource(scdl_package):
    from portal.checks.scdl import LIMIT

    line = "budget primitif,2026,12345678901234,Exempleville,6411,Personnel,012,Charges,,,,fonctionnement,réel,dépense,,,,,1,1,,\n"
    header = (SCDL / "budget" / "budget.csv").read_text("utf-8").splitlines()[0]
    folder = scdl_package("budget", header + "\n" + line * (LIMIT + 200))
    codes = [p.code for p in check(folder).problems]
    assert codes.count("siret-invalid") == LIMIT
