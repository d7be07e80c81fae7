"""``portal new``: messy collectivity CSVs, built here byte by byte, become conforming datasets."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portal.new import NewRequest, UnreadableInput, UsageProblem, create_dataset
from portal.new.headers import match_headers
from portal.normalise import (
    Conversion,
    Failure,
    convert_column,
    date_format,
    iso_date,
    label_key,
    number_style,
    plain_number,
    restore_identifier,
)

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

# The messiest export: Windows-1252 (en dash, Œ), « ; », CRLF, decimal commas, « 17 833 »,
# a no-break space, dd/mm/yyyy dates, a SIRET as a float and in exponent form, postal codes
# with leading zeros, an empty row, and a column mixing dates and text.
MESSY_ROWS = [
    "Nom_Attribuant;idAttribuant;Date de convention;Objet;Montant;Code postal;Vote",
    "Ville de Poitiers;21860194600000.0;30/01/2018;Fête de la musique – édition 2018;17 833;01250;30/01/2018",
    "Ville de Poitiers;2.18601946E+13;15/03/2018;Œuvres sociales;17 833,50;86000;en cours",
    "Ville de Poitiers;21860194600000;01/12/2018;Théâtre « Le Méta »;1\u00a0250,5;08000;31/02/2018",
    ";;;;;;",
    "Ville de Poitiers;21860194600000.0;02/12/2018;Club de foot;500;86000;02/12/2018",
]
MESSY = ("\r\n".join(MESSY_ROWS) + "\r\n").encode("cp1252")
MESSY_NORMALISED = (
    "Nom_Attribuant,idAttribuant,Date de convention,Objet,Montant,Code postal,Vote\n"
    "Ville de Poitiers,21860194600000,2018-01-30,Fête de la musique – édition 2018,17833,01250,30/01/2018\n"
    "Ville de Poitiers,21860194600000,2018-03-15,Œuvres sociales,17833.50,86000,en cours\n"
    "Ville de Poitiers,21860194600000,2018-12-01,Théâtre « Le Méta »,1250.5,08000,31/02/2018\n"
    "Ville de Poitiers,21860194600000,2018-12-02,Club de foot,500,86000,02/12/2018\n"
)

# A schema of our own, shaped like the national subsidies schema.
SCHEMA = {
    "fields": [
        {"name": "nomAttribuant", "type": "string", "description": "Nom de la collectivité qui attribue.",
         "constraints": {"required": True}},
        {"name": "idAttribuant", "type": "string", "description": "SIRET de la collectivité qui attribue.",
         "constraints": {"required": True, "pattern": "^\\d{14}$"}},
        {"name": "dateConvention", "type": "date", "description": "Date de la convention.",
         "constraints": {"required": True}},
        {"name": "nomBeneficiaire", "type": "string", "description": "Nom du bénéficiaire.",
         "constraints": {"required": True}},
        {"name": "montant", "type": "number", "description": "Montant en euros.", "constraints": {"required": True}},
        {"name": "idRAE", "type": "string", "description": "Identifiant du registre des aides d'État."},
    ]
}  # fmt: skip


def write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


def new(tmp_path: Path, source: Path, name: str = "subventions-2018", **options) -> object:
    return create_dataset(NewRequest(name=name, source=source, datasets=tmp_path / "datasets", **options), now=NOW)


def complete(folder: Path) -> None:
    """What the user writes by hand after portal new: descriptions and sources."""
    path = folder / "datapackage.json"
    package = json.loads(path.read_text("utf-8"))
    package["description"] = (
        "Les subventions versées par la Ville de Poitiers en 2018 aux associations : bénéficiaire, objet, "
        "montant et date de la convention, d'après le registre des délibérations."
    )
    package["sources"] = [{"title": "Registre des subventions de la Ville de Poitiers", "edition": "2018"}]
    for resource in package["resources"]:
        resource["description"] = "Une ligne par subvention attribuée."
        for field in resource["schema"]["fields"]:
            field["description"] = field["description"] or f"La colonne « {field['name']} » de l'export."
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2), "utf-8")


# --- the messiest file, end to end -----------------------------------------------------------


def test_messy_windows_export_becomes_a_conforming_dataset(tmp_path, cli):
    source = write(tmp_path, "Subventions 2018.csv", MESSY)
    datasets = tmp_path / "datasets"
    result = cli("new", "subventions-2018", "--from", str(source), "--datasets", str(datasets), "--frequency", "annual")
    assert result.exit_code == 0, result.output
    folder = datasets / "subventions-2018"

    # The original is kept byte for byte; the data is UTF-8, « , », LF, ISO dates, plain numbers.
    assert (folder / "archive" / "Subventions 2018.csv").read_bytes() == MESSY
    assert (folder / "subventions-2018.csv").read_bytes() == MESSY_NORMALISED.encode("utf-8")

    output = result.output
    for line in [
        "  encodage : Windows-1252",
        "  séparateur : point-virgule « ; »",
        "  fins de ligne : CRLF (Windows)",
        "  4 ligne(s) de données, 7 colonne(s)",
        "  - 1 ligne(s) entièrement vide(s) retirée(s) : ligne(s) 5",
        "Conversions (10 valeur(s))",
        "  - idAttribuant : 3 identifiant(s) restauré(s) (nombre du tableur remis en texte, dont 1 en forme "
        "exponentielle complété(s) d'après la même colonne), ex. « 21860194600000.0 » → « 21860194600000 »",
        "  - Date de convention : 4 date(s) convertie(s) (JJ/MM/AAAA → AAAA-MM-JJ), ex. « 30/01/2018 » → « 2018-01-30 »",
        "  - Montant : 3 nombre(s) converti(s) (virgule décimale → point, espaces de milliers retirées), "
        "ex. « 17 833 » → « 17833 »",
        "Gardées en texte, jamais en nombres (identifiants et codes) : idAttribuant, Code postal",
        "Valeurs non converties (2), laissées telles quelles (lignes du fichier d'origine)",
        "  Vote (colonne laissée telle quelle : aucune de ses dates n'est convertie)",
        "    - ligne 3 : « en cours » n'est pas une date",
        "    - ligne 4 : « 31/02/2018 » date impossible (ce jour n'existe pas)",
        "Schéma : inféré avec frictionless depuis le CSV normalisé",
        "Ce qui reste à faire — score 71/100 (10/14 critères remplis, 0 erreur(s), 10 avertissement(s))",
        "  ✗ Description de plus de 100 caractères",
        "  ✗ Au moins une source citée",
        "  ✗ Chaque champ décrit",
    ]:
        assert line in output.splitlines(), line
    assert "champ « Montant » de la ressource « subventions-2018 » n'a pas de description" in output

    # No error as written; complete once the descriptions and sources are filled in.
    checked = cli("validate", str(folder), "--format", "json")
    assert checked.exit_code == 0, checked.output
    complete(folder)
    strict = cli("validate", "--strict", str(folder), "--format", "json")
    report = json.loads(strict.output)
    assert strict.exit_code == 0, strict.output
    assert report["datasets"][0]["score"] == 100


def test_messy_report_lists_every_conversion_and_every_value_left(tmp_path):
    result = new(tmp_path, write(tmp_path, "Subventions 2018.csv", MESSY), frequency="annual")
    assert result.table.encoding == "cp1252" and result.table.delimiter == ";"
    assert result.conversions == [
        Conversion(
            "idAttribuant",
            "identifiant",
            "nombre du tableur remis en texte, dont 1 en forme exponentielle complété(s) d'après la même colonne",
            3,
            "21860194600000.0",
            "21860194600000",
        ),
        Conversion("Date de convention", "date", "JJ/MM/AAAA → AAAA-MM-JJ", 4, "30/01/2018", "2018-01-30"),
        Conversion("Montant", "nombre", "virgule décimale → point, espaces de milliers retirées", 3, "17 833", "17833"),
    ]
    assert result.failures == [
        Failure("Vote", 3, "en cours", "n'est pas une date"),
        Failure("Vote", 4, "31/02/2018", "date impossible (ce jour n'existe pas)"),
    ]
    assert result.abandoned == {"Vote": "date"}
    assert result.identifiers == ["idAttribuant", "Code postal"]


def test_messy_metadata_is_prefilled_and_says_what_it_inferred(tmp_path):
    result = new(tmp_path, write(tmp_path, "Subventions 2018.csv", MESSY))
    package = result.descriptor
    assert package["name"] == "subventions-2018" and package["title"] == "Subventions 2018"
    assert package["created"] == "2026-11-22T09:30:00Z" and package["modified"] == "2026-11-22"
    assert "frequency" not in package  # left out: the checklist asks for it
    assert package["licenses"] == [
        {
            "name": "etalab-2.0",
            "title": "Licence Ouverte / Open Licence version 2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        }
    ]
    assert package["contributors"] == [
        {"title": "Ville de Poitiers", "roles": ["publisher"], "publicBody": True, "siren": "218601946"}
    ]
    assert package["spatial"] == {"title": "Ville de Poitiers", "code": "86194", "level": "commune"}
    assert package["temporal"] == {"start": "2018-01-30", "end": "2018-12-02"}
    assert package["description"] == "" and package["sources"] == []
    [resource] = package["resources"]
    assert {k: resource[k] for k in ("name", "path", "format", "mediatype", "encoding", "description")} == {
        "name": "subventions-2018",
        "path": "subventions-2018.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": "",
    }
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    assert types == {
        "Nom_Attribuant": "string",
        "idAttribuant": "string",
        "Date de convention": "date",
        "Objet": "string",
        "Montant": "number",
        "Code postal": "string",
        "Vote": "string",
    }
    assert all(f["description"] == "" for f in resource["schema"]["fields"])
    assert all(f["constraints"] == {"required": True} for f in resource["schema"]["fields"])
    assert "Windows-1252" in package["notes"] and "archive/Subventions 2018.csv" in package["notes"]
    assert result.inferred[1] == (
        "éditeur « Ville de Poitiers » : seul nom de la colonne « Nom_Attribuant » (sinon, donnez --publisher)."
    )
    assert any(note.startswith("couverture spatiale : commune 86194, d'après le SIREN") for note in result.inferred)
    assert "frequency-missing" in [p.code for p in result.validation.problems]


# --- encodings, separators, formats -----------------------------------------------------------


def test_latin1_tab_separated_with_yyyy_mm_dd_dates(tmp_path):
    text = "Libellé\tDate\tTaux\nRéfection école\t2018/01/30\t0,5\nCafé associatif\t2018/12/31\t12,25\n"
    result = new(tmp_path, write(tmp_path, "latin.csv", text.encode("latin-1")), name="latin")
    assert result.table.encoding_label == "Latin-1 (ISO-8859-1) ou Windows-1252, identiques pour ce fichier"
    assert result.table.delimiter == "\t" and result.table.line_ends == "LF (Unix)"
    assert (result.folder / "latin.csv").read_text("utf-8") == (
        "Libellé,Date,Taux\nRéfection école,2018-01-30,0.5\nCafé associatif,2018-12-31,12.25\n"
    )
    assert [c.detail for c in result.conversions] == ["AAAA/MM/JJ → AAAA-MM-JJ", "virgule décimale → point"]


def test_utf8_with_bom_and_pipes(tmp_path):
    text = "\ufeffCommune|Habitants\nSaint-Étienne|172 718\n"
    result = new(tmp_path, write(tmp_path, "bom.csv", text.encode("utf-8")), name="bom")
    assert result.table.encoding_label == "UTF-8 avec BOM" and result.table.delimiter == "|"
    assert (result.folder / "bom.csv").read_bytes() == "Commune,Habitants\nSaint-Étienne,172718\n".encode()


def test_semicolon_wins_over_commas_inside_headers(tmp_path):
    text = "Montant (€, TTC);Objet\n12,5;Fête\n1 000;Sport\n"
    result = new(tmp_path, write(tmp_path, "tie.csv", text.encode("cp1252")), name="tie")
    assert result.table.delimiter == ";" and result.table.encoding_label == "Windows-1252"
    assert (result.folder / "tie.csv").read_text("utf-8") == '"Montant (€, TTC)",Objet\n12.5,Fête\n1000,Sport\n'


def test_utf16_export_with_a_multiline_cell(tmp_path):
    text = 'Objet\tDate\n"Fête\nde quartier"\t30/01/2018\nSport\ten cours\nCulture\t01/02/2018\n'
    result = new(tmp_path, write(tmp_path, "unicode.txt", text.encode("utf-16")), name="unicode")
    assert result.table.encoding_label == "UTF-16 (texte Unicode du tableur)"
    # Rows are numbered as in the spreadsheet, whatever the line breaks inside cells.
    assert result.failures == [Failure("Date", 3, "en cours", "n'est pas une date")]


def test_shape_fixes_and_rows_to_check(tmp_path):
    text = " a ;b\n1;2;\n;;\n3;4;5\n6\n"
    result = new(tmp_path, write(tmp_path, "shape.csv", text.encode()), name="shape")
    assert result.fixes == [
        "espaces retirés autour des en-têtes : «  a  »",
        "1 ligne(s) entièrement vide(s) retirée(s) : ligne(s) 3",
        "cellules vides après la dernière colonne retirées : ligne(s) 2",
    ]
    assert result.warnings == [
        "ligne 4 : 3 valeurs pour 2 colonnes : vérifiez-la (un séparateur ou un retour à la ligne dans une valeur ?)",
        "ligne 5 : 1 valeurs pour 2 colonnes : vérifiez-la (un séparateur ou un retour à la ligne dans une valeur ?)",
    ]
    assert (result.folder / "shape.csv").read_text("utf-8") == "a,b\n1,2\n3,4,5\n6\n"


def test_float_and_exponent_sirets_are_restored_as_text(tmp_path):
    text = (
        "idAttribuant;idBeneficiaire;montant\n"
        "21860194600000.0;2.18601946E+13;10\n"  # no complete SIRET of the beneficiary: digits are lost
        "2,18601946E+13;77567227200039;20\n"
        "21860194600000;77567227200039.0;30\n"
    )
    result = new(tmp_path, write(tmp_path, "sirets.csv", text.encode("cp1252")), name="sirets")
    data = (result.folder / "sirets.csv").read_text("utf-8").splitlines()
    assert data == [
        "idAttribuant,idBeneficiaire,montant",
        "21860194600000,2.18601946E+13,10",
        "21860194600000,77567227200039,20",
        "21860194600000,77567227200039,30",
    ]
    assert result.failures == [
        Failure(
            "idBeneficiaire",
            2,
            "2.18601946E+13",
            "forme exponentielle : le tableur a perdu les 5 derniers chiffres ; retrouvez "
            "l'identifiant complet dans le fichier d'origine",
        )
    ]
    fields = {f["name"]: f["type"] for f in result.descriptor["resources"][0]["schema"]["fields"]}
    assert fields == {"idAttribuant": "string", "idBeneficiaire": "string", "montant": "integer"}


def test_codes_with_leading_zeros_stay_text(tmp_path):
    text = "Fonction;Code postal;Nombre\n020;01250;1\n411;86000;2\n01;08000;3\n"
    result = new(tmp_path, write(tmp_path, "codes.csv", text.encode()), name="codes")
    assert (result.folder / "codes.csv").read_text("utf-8") == (
        "Fonction,Code postal,Nombre\n020,01250,1\n411,86000,2\n01,08000,3\n"
    )
    fields = {f["name"]: f["type"] for f in result.descriptor["resources"][0]["schema"]["fields"]}
    assert fields == {"Fonction": "string", "Code postal": "string", "Nombre": "integer"}
    assert result.identifiers == ["Fonction", "Code postal"] and result.conversions == []


def test_a_column_mixing_dates_and_text_is_left_untouched(tmp_path):
    text = "Objet;Échéance\nA;30/01/2018\nB;à définir\nC;2018/02/15\nD;15/02/2018\nE;\nF;31/04/2018\n"
    result = new(tmp_path, write(tmp_path, "mix.csv", text.encode("cp1252")), name="mix")
    column = [line.split(",")[1] for line in (result.folder / "mix.csv").read_text("utf-8").splitlines()[1:]]
    assert column == ["30/01/2018", "à définir", "2018/02/15", "15/02/2018", "", "31/04/2018"]
    assert result.conversions == []
    assert result.failures == [
        Failure("Échéance", 3, "à définir", "n'est pas une date"),
        Failure(
            "Échéance",
            4,
            "2018/02/15",
            "date écrite AAAA/MM/JJ, alors que la colonne est écrite JJ/MM/AAAA : un seul format par colonne",
        ),
        Failure("Échéance", 7, "31/04/2018", "date impossible (ce jour n'existe pas)"),
    ]


def test_a_number_column_with_both_decimal_marks_is_left_untouched(tmp_path):
    text = "Montant\n1 250,50\n1.250\n300\n"
    result = new(tmp_path, write(tmp_path, "marks.csv", text.encode()), name="marks")
    assert (result.folder / "marks.csv").read_text("utf-8") == "Montant\n1 250,50\n1.250\n300\n"
    [failure] = result.failures
    assert (failure.row, failure.value) == (3, "1.250") and failure.why.startswith("point décimal")
    assert result.abandoned == {"Montant": "nombre"}


def test_spatial_coverage_from_a_single_insee_code(tmp_path):
    text = "Code INSEE;Commune;Équipement\n86194;Poitiers;Piscine\n86194;Poitiers;Stade\n"
    result = new(tmp_path, write(tmp_path, "equipements.csv", text.encode()), name="equipements")
    assert result.descriptor["spatial"] == {"title": "Poitiers", "code": "86194", "level": "commune"}
    assert "contributors" in result.descriptor and result.descriptor["contributors"] == []


def test_no_spatial_coverage_from_a_column_that_is_not_a_code(tmp_path):
    text = "Population INSEE;Commune\n86000;Poitiers\n86000;Poitiers\n"
    result = new(tmp_path, write(tmp_path, "population.csv", text.encode()), name="population")
    assert "spatial" not in result.descriptor


def test_no_spatial_coverage_from_several_insee_codes(tmp_path):
    text = "COLL_INSEE;Équipement\n86194;Piscine\n86066;Stade\n"
    result = new(tmp_path, write(tmp_path, "equipements.csv", text.encode()), name="equipements")
    assert "spatial" not in result.descriptor
    assert any("contient 2 codes différents" in note for note in result.inferred)


# --- a schema to conform to --------------------------------------------------------------------


SCHEMA_EXPORT = (
    "Nom_Attribuant;idattribuant;Date convention;NOM BÉNÉFICIAIRE;Montant\r\n"
    "Ville de Poitiers;21860194600000.0;30/01/2018;Association A;17 833,50\r\n"
    "Ville de Poitiers;21860194600000.0;15/03/2018;Association B;500\r\n"
).encode("cp1252")


def test_headers_matched_to_a_schema_file(tmp_path, cli):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), "utf-8")
    result = new(tmp_path, write(tmp_path, "export.csv", SCHEMA_EXPORT), schema=str(schema), frequency="annual")
    assert result.match.renamed == {
        "Nom_Attribuant": "nomAttribuant",
        "idattribuant": "idAttribuant",
        "Date convention": "dateConvention",
        "NOM BÉNÉFICIAIRE": "nomBeneficiaire",
        "Montant": "montant",
    }
    assert result.match.unmatched == [] and result.match.missing == ["idRAE"]
    assert (result.folder / "export.csv").read_text("utf-8") == (
        "nomAttribuant,idAttribuant,dateConvention,nomBeneficiaire,montant,idRAE\n"
        "Ville de Poitiers,21860194600000,2018-01-30,Association A,17833.50,\n"
        "Ville de Poitiers,21860194600000,2018-03-15,Association B,500,\n"
    )
    assert result.descriptor["resources"][0]["schema"] == SCHEMA  # copied into the package

    from portal.new.report import render

    text = render(result)
    for line in [
        "Schéma : schéma schema.json (copié dans la ressource)",
        "    Nom_Attribuant → nomAttribuant",
        "    NOM BÉNÉFICIAIRE → nomBeneficiaire",
        "  champs du schéma absents du fichier, ajoutés en colonnes vides : idRAE",
    ]:
        assert line in text.splitlines(), line
    checked = cli("validate", str(result.folder), "--format", "json")
    assert checked.exit_code == 0, checked.output
    complete(result.folder)
    strict = cli("validate", "--strict", str(result.folder), "--format", "json")
    assert json.loads(strict.output)["datasets"][0]["score"] == 100, strict.output


def test_unmatched_headers_and_missing_required_fields_are_reported(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA), "utf-8")
    text = "nom attribuant;Montant;Commentaire\nVille de Poitiers;12;ok\n"
    result = new(tmp_path, write(tmp_path, "export.csv", text.encode()), schema=str(schema))
    assert result.match.unmatched == ["Commentaire"]
    assert result.match.missing_required == ["idAttribuant", "dateConvention", "nomBeneficiaire"]
    from portal.new.report import render

    lines = render(result).splitlines()
    assert "  en-têtes sans champ dans le schéma (gardés en fin de fichier) : Commentaire" in lines
    assert "  dont obligatoires, à remplir : idAttribuant, dateConvention, nomBeneficiaire" in lines
    header = (result.folder / "export.csv").read_text("utf-8").splitlines()[0]
    assert header == "nomAttribuant,idAttribuant,dateConvention,nomBeneficiaire,montant,idRAE,Commentaire"


def test_an_scdl_schema_is_declared_by_reference(tmp_path, monkeypatch):
    import portal.scdl

    monkeypatch.setattr(portal.scdl, "_schema_text", lambda name: json.dumps(SCHEMA))
    result = new(tmp_path, write(tmp_path, "export.csv", SCHEMA_EXPORT), schema="scdl/subventions")
    assert result.descriptor["resources"][0]["schema"] == "scdl/subventions"
    assert result.schema_label == "schéma national scdl/subventions"
    assert result.match.mapping["NOM BÉNÉFICIAIRE"] == "nomBeneficiaire"


@pytest.mark.parametrize("header", ["Nom_Attribuant", "nomattribuant", "Nom attribuant", "NOM-ATTRIBUANT"])
def test_header_variants_have_the_same_key(header):
    assert label_key(header) == label_key("nomAttribuant") == "nomattribuant"


def test_two_headers_for_one_field_are_ambiguous():
    match = match_headers(["Nom_Attribuant", "nom attribuant", "objet"], SCHEMA["fields"])
    assert match.ambiguous == {"nomAttribuant": ["Nom_Attribuant", "nom attribuant"]}
    assert match.mapping == {} and match.unmatched == ["Nom_Attribuant", "nom attribuant", "objet"]


# --- what cannot be read, and misuse -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "est introuvable : vérifiez le chemin donné à --from."),
        (b"PK\x03\x04\x14\x00\x06\x00", "est un classeur (Excel ou LibreOffice), pas un CSV"),
        (b"", "est vide : exportez à nouveau les données"),
        ("a;b\nété;1\n".encode() + "hiver;2\nautomne;3\n".encode("cp1252") + b"\xe9;4\n", "mélange deux encodages"),
        (b'a;b\n"ouvert;1\n', "ne se lit pas comme un CSV"),
    ],
)
def test_unreadable_input_exits_1_with_one_line(tmp_path, cli, content, expected):
    source = tmp_path / "export.csv"
    if content is not None:
        source.write_bytes(content)
    result = cli("new", "jeu", "--from", str(source), "--datasets", str(tmp_path / "datasets"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert str(source) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "datasets" / "jeu").exists()


def test_existing_folder_needs_force(tmp_path, cli):
    source = write(tmp_path, "export.csv", b"a,b\n1,2\n")
    args = ["new", "jeu", "--from", str(source), "--datasets", str(tmp_path / "datasets")]
    assert cli(*args).exit_code == 0
    refused = cli(*args)
    assert refused.exit_code == 2 and "existe déjà" in refused.output and "--force" in refused.output
    source.write_bytes(b"a,b\n3,4\n")
    assert cli(*args, "--force").exit_code == 0
    assert (tmp_path / "datasets" / "jeu" / "export.csv").read_text() == "a,b\n3,4\n"
    assert sorted(p.name for p in (tmp_path / "datasets").iterdir()) == ["jeu"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"name": "Mon Jeu"}, "« mon-jeu »"),
        ({"licence": "CC-BY-NC-4.0"}, "n'est pas une licence ouverte"),
        ({"licence": "maison"}, "n'est pas reconnue"),
        ({"frequency": "yearly"}, "n'est pas dans le vocabulaire"),
        ({"schema": "scdl/inconnu"}, "n'est ni un schéma SCDL"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path, options, expected):
    source = write(tmp_path, "export.csv", b"a,b\n1,2\n")
    request = {"name": "jeu", **options}
    with pytest.raises(UsageProblem, match=expected):
        create_dataset(NewRequest(source=source, datasets=tmp_path / "datasets", **request), now=NOW)
    assert not (tmp_path / "datasets").exists()


def test_bad_option_exits_2(tmp_path, cli):
    source = write(tmp_path, "export.csv", b"a,b\n1,2\n")
    result = cli("new", "jeu", "--from", str(source), "--datasets", str(tmp_path), "--frequency", "yearly")
    assert result.exit_code == 2 and "n'est pas dans le vocabulaire" in result.output


def test_unreadable_input_raises_before_anything_is_written(tmp_path):
    with pytest.raises(UnreadableInput):
        new(tmp_path, tmp_path / "absent.csv")
    assert not (tmp_path / "datasets").exists()


# --- the pure functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("17 833", "17833"),
        ("17 833,50", "17833.50"),
        ("17\u00a0833,50", "17833.50"),
        ("1\u202f234\u202f567", "1234567"),
        ("1,5", "1.5"),
        ("-3,25", "-3.25"),
        ("1.234.567", "1234567"),
        ("1.234,5", "1234.5"),
        ("12", "12"),
        ("12.5", "12.5"),
        (" 42 ", "42"),
    ],
)
def test_numbers(value, plain):
    style = number_style(value)
    assert style is not None and plain_number(value, style) == plain


@pytest.mark.parametrize("value", ["0123", "17 83", "1 2345", "12,5 €", "abc", "1,2,3", ""])
def test_not_numbers(value):
    assert number_style(value) is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("30/01/2018", "2018-01-30"),
        ("1/2/2018", "2018-02-01"),
        ("2018/01/30", "2018-01-30"),
        ("2018-01-30", "2018-01-30"),
        ("30/01/2018 00:00:00", "2018-01-30"),
        ("29/02/2020", "2020-02-29"),
        ("29/02/2019", None),
        ("31/02/2018", None),
        ("13/13/2018", None),
    ],
)
def test_dates(value, iso):
    assert iso_date(value, date_format(value)) == iso


@pytest.mark.parametrize("value", ["30/01/18", "2018-1-30", "30/01/2018 14:30", "janvier 2018", "30.01.2018"])
def test_not_dates(value):
    assert date_format(value) is None


@pytest.mark.parametrize(
    ("value", "complete", "restored"),
    [
        ("21860194600000.0", set(), "21860194600000"),
        ("21860194600000,0", set(), "21860194600000"),
        ("2.18601946E+13", {"21860194600000"}, "21860194600000"),
        ("2.18601946E+13", set(), None),
        ("2.18601946E+13", {"21860194600000", "21860194600013"}, None),
        ("2.18601947E+13", {"21860194660013"}, "21860194660013"),  # the spreadsheet rounded up
        ("2.18601946E+13", {"21860194660013"}, None),
        ("2.1860194600013E+13", set(), "21860194600013"),
        ("8.6194E+4", set(), "86194"),
        ("21860194600000", set(), None),  # already text: nothing to restore
        ("1.5E+1", set(), "15"),
    ],
)
def test_restore_identifier(value, complete, restored):
    assert restore_identifier(value, complete)[0] == restored


def test_an_all_empty_column_is_left_alone():
    outcome = convert_column("vide", ["", " ", ""], [2, 3, 4])
    assert outcome.kind == "vide" and outcome.values == ["", " ", ""] and not outcome.failures


def test_messy_export_to_the_real_scdl_subventions_schema(tmp_path, cli):
    """End to end with the national schema shipped in portal/scdl: headers in another case and
    with accents and spaces, Windows-1252, semicolons, French amounts and dates, float SIRETs."""
    export = (
        "Nom attribuant;ID_ATTRIBUANT;Date Convention;Nom bénéficiaire;RNA bénéficiaire;Objet;Montant;Nature;"
        "Conditions versement;Dates période versement;Notification UE;Pourcentage subvention\r\n"
        "Ville de Poitiers;21860194600005.0;30/01/2018;Association Été Jeunes;W861234568;Séjours d'été;17 833,50;"
        "aide en numéraire;Unique;2018-03-01;non;0,5\r\n"
        "Ville de Poitiers;21860194600005.0;02/12/2018;Club de quartier;W861234567;Fête de quartier;1 200;"
        "aide en nature;Unique;2018-12-15;non;1\r\n"
    ).encode("cp1252")
    source = tmp_path / "Subventions 2018.csv"
    source.write_bytes(export)
    root = tmp_path / "datasets"
    result = cli(
        "new",
        "subventions-2018",
        "--from",
        str(source),
        "--schema",
        "scdl/subventions",
        "--frequency",
        "annual",
        "--datasets",
        str(root),
    )
    assert result.exit_code == 0, result.output
    package = root / "subventions-2018"
    descriptor = json.loads((package / "datapackage.json").read_text("utf-8"))
    assert descriptor["resources"][0]["schema"] == "scdl/subventions"
    header, first = (package / descriptor["resources"][0]["path"]).read_text("utf-8").splitlines()[:2]
    assert header.split(",")[:4] == ["nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision"]
    assert "21860194600005," in first and "2018-01-30" in first and "17833.50" in first
    assert (package / "archive" / "Subventions 2018.csv").read_bytes() == export
    report = json.loads(cli("validate", str(package), "--format", "json").output)
    assert [p["code"] for p in report["datasets"][0]["problems"] if p["severity"] == "error"] == []
