"""The fast engine (portal/fastcheck) against frictionless: same findings, exact counts, fallbacks."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from frictionless import Resource

from portal.fastcheck import LIMIT, unsupported, validate

FIELDS = [
    {"name": "code", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{2}[0-9]{3}"}},
    {"name": "nom", "type": "string", "constraints": {"minLength": 2, "maxLength": 12}},
    {"name": "nature", "type": "string", "constraints": {"enum": ["aide en numéraire", "aide en nature"]}},
    {"name": "rang", "type": "integer", "constraints": {"minimum": 0, "maximum": 500, "unique": True}},
    {"name": "montant", "type": "number", "constraints": {"minimum": 0.01, "maximum": 1000000}},
    {"name": "taux", "type": "number", "decimalChar": ",", "groupChar": " "},
    {"name": "jour", "type": "date", "constraints": {"minimum": "2000-01-01"}},
    {"name": "annee", "type": "year", "constraints": {"minimum": 1990}},
    {"name": "public", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
    {"name": "actif", "type": "boolean", "constraints": {"required": True}},
]
VALID = {
    "code": lambda r: f"{r.choice('ABCXYZ')}{r.choice('ABQ')}{r.randint(0, 999):03d}",
    "nom": lambda r: r.choice(["Lyon", "Saint-Étienne", "Aix", "Île-d'Yeu"]),
    "nature": lambda r: r.choice(["aide en numéraire", "aide en nature", ""]),
    "rang": None,  # the row's own number: unique unless an error repeats it
    "montant": lambda r: r.choice(["12.5", "1000", "0.02", "999999.99", "1e3", "+42", "007.50"]),
    "taux": lambda r: r.choice(["1 234,5", "0,25", "12", "1 000 000", " 3,5 ", ""]),
    "jour": lambda r: r.choice(["2024-02-29", "2023-01-31", "2024-12-31", "2000-01-01", "2024-1-5"]),
    "annee": lambda r: r.choice(["2024", "1990", "2000", ""]),
    "public": lambda r: r.choice(["oui", "non", ""]),
    "actif": lambda r: r.choice(["true", "false", "1", "0", "TRUE", "False"]),
}
# Injected values: errors of every kind, and spellings at the edge of frictionless' readers.
EDGES = {
    "code": ["", " ", "ab123", "AB1234", "AB12", "AB123 ", "A,B123", "AB 123"],
    "nom": ["A", "x" * 13, "", "  ", "Nom très long ici"],
    "nature": ["aide", "Aide en nature", " aide en nature", "aide en numéraire;aide en nature"],
    "rang": ["-1", "501", "abc", "1.0", " 7 ", "0007", "1_0", "+3", "", "1e2", "٣"],
    "montant": ["0", "0.01", "1000000", "1000000.01", "1,5", "abc", "NaN", "inf", "-1", "1E-2", " ", "1 000"],
    "taux": ["1.5", "1 2,5", "abc", "1,5e3", "1.000,5", "NaN", "-0,0", ","],
    "jour": ["2023-02-29", "2024-04-31", "31/12/2024", "1999-12-31", "2024-13-01", "", "20240101", "2024-02-30"],
    "annee": ["1989", "24", "20245", "abcd", "0000", " 2024", "2024.0"],
    "public": ["Oui", "true", "1", "x", " "],
    "actif": ["", "yes", "T", "vrai", " true"],
}


def _cell(rng: random.Random, name: str, row: int) -> str:
    if rng.random() < 0.08:
        return rng.choice(EDGES[name])
    if name == "rang":
        return str(rng.choice([row, row, row, max(row - rng.randint(1, 5), 0)]))
    return VALID[name](rng)


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell


def write_case(folder: Path, seed: int, rows: int = 150) -> dict:
    rng = random.Random(seed)
    names = [f["name"] for f in FIELDS]
    lines = [",".join(names)]
    for row in range(rows):
        if rng.random() < 0.01:
            lines.append("," * (len(names) - 1))  # a blank row
            continue
        lines.append(",".join(_quote(_cell(rng, name, row)) for name in names))
    path = folder / f"cas-{seed}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema: dict = {"fields": FIELDS}
    if seed % 5 == 2:  # no key at all: frictionless reads each row in field order
        schema["fields"] = [
            {**f, "constraints": {k: v for k, v in f.get("constraints", {}).items() if k != "unique"}} for f in FIELDS
        ]
    if seed % 3 == 0:
        schema["primaryKey"] = ["code", "annee"]
    if seed % 4 == 1:
        schema["missingValues"] = ["", "NA"]
    return {"name": f"cas-{seed}", "path": path.name, "schema": schema}


def findings(errors: list) -> list[tuple]:
    return [
        (e.type, e.row_number, getattr(e, "field_name", None) or None, e.note, getattr(e, "cell", None), e.message)
        for e in errors
    ]


@pytest.mark.parametrize("seed", range(24))
def test_fast_path_finds_what_frictionless_finds(tmp_path: Path, seed: int) -> None:
    descriptor = write_case(tmp_path, seed)
    path = tmp_path / descriptor["path"]
    reference = Resource(descriptor, basepath=str(tmp_path)).validate()
    expected = findings(reference.tasks[0].errors)
    assert unsupported(descriptor, path, "utf-8") is None
    result = validate(descriptor, path, batch_bytes=2048)  # small batches: keys and rows cross batches
    assert findings(result.errors) == expected
    assert result.rows == reference.tasks[0].stats["rows"]
    assert sum(result.counts.values()) == len(expected)
    assert not result.truncated


def test_counts_are_exact_beyond_the_listed_errors(tmp_path: Path) -> None:
    path = tmp_path / "gros.csv"
    path.write_text("n,v\n" + "".join(f"{i},x\n" for i in range(3000)), encoding="utf-8")
    descriptor = {
        "name": "gros",
        "path": "gros.csv",
        "schema": {
            "fields": [
                {"name": "n", "type": "integer"},
                {"name": "v", "type": "integer", "constraints": {"required": True}},
            ]
        },
    }
    result = validate(descriptor, path)
    assert len(result.errors) == LIMIT and result.truncated
    assert result.counts[("type-error", "v")] == 3000
    assert result.count_by_field() == {"v": {"type-error": 3000}}
    reference = Resource(descriptor, basepath=str(tmp_path)).validate()
    assert findings(result.errors) == findings(reference.tasks[0].errors)[:LIMIT]


@pytest.mark.parametrize(
    ("content", "schema", "dialect", "reason"),
    [
        ('a,b\n"x\ny",1\n', [{"name": "a"}, {"name": "b", "type": "integer"}], None, "plusieurs lignes"),
        ("a,b\n1\n", [{"name": "a"}, {"name": "b"}], None, "cellules"),
        ("a,b\n1,2,3\n", [{"name": "a"}, {"name": "b"}], None, "cellules"),
        ("a,b\n1,2\n\n3,4\n", [{"name": "a"}, {"name": "b"}], None, "vide"),
        ("a,b\n1,2\n3,4\n\n", [{"name": "a"}, {"name": "b"}], None, "vide"),
        ("a,b\n\n1,2\n", [{"name": "a"}, {"name": "b"}], None, "vide"),
        # A short line whose last cell is empty reads like a full line with an empty last cell.
        ("a,b,c\n1,2,\n1,\n", [{"name": "a"}, {"name": "b"}, {"name": "c"}], None, "cellules"),
        ("a,b,c\n1,\n1,2,\n", [{"name": "a"}, {"name": "b"}, {"name": "c"}], None, "cellules"),
        ("a,b,c\n1,2,3,4\n1,2,3\n", [{"name": "a"}, {"name": "b"}, {"name": "c"}], None, "cellules"),
        ("a,b,c\n1,2,3\n1,2,3,\n", [{"name": "a"}, {"name": "b"}, {"name": "c"}], None, "cellules"),
        # Python's csv module ends a line at a lone carriage return.
        ("a,b\n1,2\r3,4\n", [{"name": "a"}, {"name": "b"}], None, "retour chariot"),
        ('a,b\n"1",2\n3\n', [{"name": "a"}, {"name": "b"}], None, "cellules"),
        # A quote inside a plain cell, or text after a closing quote: polars and csv cut them otherwise.
        ('a,b\n1,2\n"1"x,2\n', [{"name": "a"}, {"name": "b"}], None, "guillemet au milieu"),
        ('a,b\n1,2\n1,dit "oui"\n', [{"name": "a"}, {"name": "b"}], None, "guillemet au milieu"),
        ('a,b\n"1","2","3"\n', [{"name": "a"}, {"name": "b"}], None, "cellules"),
    ],
)
def test_structural_surprises_leave_the_file_to_frictionless(tmp_path, content, schema, dialect, reason) -> None:
    from portal.fastcheck.reading import Unsupported

    path = tmp_path / "f.csv"
    path.write_text(content, encoding="utf-8")
    descriptor = {"name": "f", "path": "f.csv", "schema": {"fields": schema}}
    assert unsupported(descriptor, path, "utf-8") is None
    with pytest.raises(Unsupported, match=reason):
        validate(descriptor, path)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"schema": {"fields": [{"name": "a", "type": "geojson"}]}}, "geojson"),
        ({"schema": {"fields": [{"name": "a", "type": "date", "format": "%d/%m/%Y"}]}}, "format"),
        ({"dialect": {"skipInitialSpace": True}}, "dialecte"),
        (
            {"schema": {"fields": [{"name": "a"}], "foreignKeys": [{"fields": "a", "reference": {"fields": "a"}}]}},
            "étrangères",
        ),
        ({"schema": {"fields": [{"name": "b"}]}}, "en-tête"),
    ],
)
def test_what_the_fast_path_leaves_to_frictionless(tmp_path: Path, change: dict, reason: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    descriptor = {"name": "f", "path": "f.csv", "schema": {"fields": [{"name": "a"}]}, **change}
    assert reason in unsupported(descriptor, path, "utf-8")
    assert "distante" in unsupported(descriptor, None, "utf-8")
    assert "encodage" in unsupported({**descriptor, "schema": {"fields": [{"name": "a"}]}}, path, "cp1252")


def _validate_copy(tmp_path: Path, csv_text: str | None = None) -> dict:
    import shutil

    import jsonschema

    from portal.checks.base import Options
    from portal.report.json import report_as_dict
    from portal.validate import validate_paths

    folder = tmp_path / "subventions"
    shutil.copytree(Path(__file__).parent / "fixtures" / "scdl" / "subventions", folder)
    if csv_text is not None:
        (folder / "subventions.csv").write_text(csv_text, encoding="utf-8")
    report = report_as_dict(validate_paths([folder], Options()))
    schema = json.loads((Path(__file__).parents[1] / "portal" / "schemas" / "report.schema.json").read_text("utf-8"))
    jsonschema.validate(report, schema)
    return report["datasets"][0]


def test_the_report_says_which_engine_checked_each_table(tmp_path: Path) -> None:
    fast = _validate_copy(tmp_path / "a")
    assert [(t["engine"], t["exactCounts"]) for t in fast["tables"]] == [("fastcheck", True)]
    # A quoted cell over two lines: frictionless reads the file, and the report says why.
    text = (Path(__file__).parent / "fixtures" / "scdl" / "subventions" / "subventions.csv").read_text("utf-8")
    header, first, *rest = text.splitlines(keepends=True)
    multiline = (
        header
        + first.replace("Association sportive", '"Association\nsportive', 1).replace(
            "d'Exempleville,7", "d'Exempleville\",7", 1
        )
        + "".join(rest)
    )
    slow = _validate_copy(tmp_path / "b", multiline)
    assert slow["tables"][0]["engine"] == "frictionless"
    assert "plusieurs lignes" in slow["tables"][0]["fallbackReason"]
    assert [p["code"] for p in slow["problems"]] == [p["code"] for p in fast["problems"]]


def test_scdl_custom_checks_find_the_same_in_one_pass(tmp_path: Path) -> None:
    import sys

    from portal.checks import scdl
    from portal.fastcheck import custom
    from portal.files import ResourceFile
    from portal.scdl import load_schema

    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    import bench_validate

    path = tmp_path / "subventions.csv"
    bench_validate.write_table(path, 20_000, seed=7)
    schema = load_schema("scdl/subventions")
    streamed = list(scdl.findings(ResourceFile({"schema": schema}, "s", path=path), schema))
    labels = [f["name"] for f in schema["fields"]]
    assert streamed and custom.findings(schema, path, labels, ",", '"', limit=10_000) == streamed


def test_a_file_that_is_not_utf8_is_left_to_frictionless(tmp_path: Path) -> None:
    from portal.fastcheck.reading import Unsupported

    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n" + "é,3\n".encode("latin-1"))
    descriptor = {"name": "f", "path": "f.csv", "schema": {"fields": [{"name": "a"}, {"name": "b"}]}}
    with pytest.raises(Unsupported, match="UTF-8"):
        validate(descriptor, path)


@pytest.mark.parametrize(
    "content",
    [
        "n,v\r\n1,x\r\n2,\r\n,3\r\n",  # Windows line ends
        "n,v\n1,x\n2,\n,3",  # no line end after the last row
        'n,v\n"1",x\n"2",""\n,"3"\n',  # quoted cells
        "n,v\n1,x\n2,\n,3\n,\n",  # a row of empty cells is a blank row for frictionless
        '"n","v"\n"1","1"\n"2","a,b"\n"3","dit ""oui"""\n"","4"\n"",""\n',  # every cell quoted
    ],
)
def test_line_ends_and_quotes_read_as_frictionless_reads_them(tmp_path: Path, content: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content.encode("utf-8"))
    fields = [{"name": "n", "type": "integer", "constraints": {"required": True}}, {"name": "v", "type": "integer"}]
    descriptor = {"name": "f", "path": "f.csv", "schema": {"fields": fields}}
    reference = Resource(descriptor, basepath=str(tmp_path)).validate()
    result = validate(descriptor, path, batch_bytes=8)  # batches smaller than a line
    assert findings(result.errors) == findings(reference.tasks[0].errors)
    assert result.rows == reference.tasks[0].stats["rows"]


def test_prefetched_batches_keep_their_order_raise_the_producers_error_and_stop_early() -> None:
    import threading

    from portal.fastcheck.reading import Unsupported, prefetched

    assert list(prefetched(iter(range(100)), depth=2)) == list(range(100))

    def failing():
        yield 1
        raise Unsupported("une ligne est vide")

    seen = []
    with pytest.raises(Unsupported, match="vide"):
        for item in prefetched(failing()):
            seen.append(item)
    assert seen == [1]

    produced = []

    def endless():
        number = 0
        while True:
            produced.append(number)
            yield number
            number += 1

    stream = prefetched(endless(), depth=2)
    assert next(stream) == 0
    stream.close()  # the consumer stops: the producer thread ends, it does not read on
    assert not [t for t in threading.enumerate() if t.name == "portal-batches"]
    assert len(produced) <= 4


@pytest.mark.parametrize("seed", range(4))
def test_repeated_values_checked_once_find_what_frictionless_finds(tmp_path: Path, seed: int) -> None:
    """Columns repeating a few values, errors among them: the masks are computed per distinct value."""
    import polars as pl

    from portal.fastcheck import distinct

    rng = random.Random(seed)
    names = [f["name"] for f in FIELDS]
    pools = {name: [VALID[name](rng) for _ in range(5)] + EDGES[name][:3] for name in names if name != "rang"}
    rows = [
        ",".join(str(row) if name == "rang" else _quote(rng.choice(pools[name])) for name in names)
        for row in range(2_000)
    ]
    path = tmp_path / "repete.csv"
    path.write_text(",".join(names) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    frame = pl.read_csv(path, infer_schema=False, empty_string_is_null=False)
    assert distinct.repeated_values(frame, "jour") is not None  # the lookup is what this test exercises
    descriptor = {"name": "repete", "path": path.name, "schema": {"fields": FIELDS}}
    reference = Resource(descriptor, basepath=str(tmp_path)).validate(limit_errors=10**6)
    expected = reference.tasks[0].errors
    result = validate(descriptor, path)
    assert findings(result.errors) == findings(expected)[:LIMIT]
    counted = Counter((e.type, getattr(e, "field_name", "") or "") for e in expected)
    assert result.counts == counted and result.truncated == (len(expected) > LIMIT)


CELL_FIELDS = [
    {"name": "s", "type": "string"},
    {"name": "s", "type": "string", "constraints": {"required": True, "minLength": 2, "maxLength": 5}},
    {"name": "s", "type": "string", "constraints": {"pattern": r"\d{2}[A-Z]?", "enum": ["12", "12A", "x"]}},
    {"name": "s", "type": "string", "missingValues": ["NA", "-"]},
    {"name": "a", "type": "any", "constraints": {"enum": ["1", "oui"]}},
    {"name": "i", "type": "integer", "constraints": {"minimum": -2, "exclusiveMaximum": 100, "enum": [1, 7, 50, "99"]}},
    {"name": "i", "type": "integer", "constraints": {"required": True, "exclusiveMinimum": 0, "maximum": 10}},
    {"name": "n", "type": "number", "constraints": {"minimum": 0.01, "maximum": 1}},
    {"name": "n", "type": "number", "decimalChar": ",", "groupChar": " ", "constraints": {"exclusiveMinimum": 0}},
    {"name": "n", "type": "number", "bareNumber": True, "constraints": {"enum": [1.5, 2, "3.25"]}},
    {"name": "n", "type": "number", "decimalChar": ","},
    {"name": "b", "type": "boolean"},
    {
        "name": "b",
        "type": "boolean",
        "trueValues": ["oui", "Oui"],
        "falseValues": ["non"],
        "constraints": {"enum": ["oui"]},
    },
    {"name": "d", "type": "date", "constraints": {"minimum": "2000-01-01", "exclusiveMaximum": "2030-01-01"}},
    {"name": "d", "type": "date", "constraints": {"enum": ["2024-02-29", "2024-03-01"], "required": True}},
    {"name": "y", "type": "year", "constraints": {"minimum": 1990, "maximum": 2100}},
    {"name": "y", "type": "year", "constraints": {"enum": [2024, "2025"]}},
]
CELL_VALUES = [
    "",
    " ",
    "NA",
    "-",
    "0",
    "1",
    "7",
    "+7",
    "-1",
    "-2",
    "-3",
    " 7 ",
    "007",
    "1_0",
    "1e2",
    "1E-2",
    "99",
    "100",
    "10",
    "11",
    "٣",
    "1.0",
    "1.5",
    "2",
    "3.25",
    "0.01",
    "0.009",
    "1,5",
    "1 234,5",
    "1.000,5",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "12",
    "12A",
    "12AB",
    "x",
    "ab",
    "abcdef",
    "oui",
    "Oui",
    "non",
    "true",
    "TRUE",
    "True",
    "false",
    "yes",
    "2024-02-29",
    "2023-02-29",
    "2024-03-01",
    "1999-12-31",
    "2030-01-01",
    "2024-1-5",
    "20240101",
    " 2024-01-01",
    "1990",
    "1989",
    "2024",
    "2025",
    " 202",
    "0000",
    "10000",
    "2024.0",
    "W123456789",
]


@pytest.mark.parametrize("field", CELL_FIELDS, ids=lambda f: json.dumps(f, ensure_ascii=False))
def test_the_exact_cell_reader_reads_every_cell_as_frictionless_does(field: dict) -> None:
    from frictionless import Schema

    from portal.fastcheck import cells

    # Exclusive bounds exist from Table Schema v2 on: the fast path leaves them to frictionless.
    v2 = any(name.startswith("exclusive") for name in field.get("constraints", {}))
    assert (cells.schema_problem(field) is None) != v2
    profile = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json"} if v2 else {}
    for schema_missing in ([""], ["", "NA"]):
        schema = {**profile, "fields": [field], "missingValues": schema_missing}
        reference = Schema.from_descriptor(schema).fields[0]
        theirs = reference.create_cell_reader()
        ours = cells.CellReader(field, 1, schema_missing)
        for value in CELL_VALUES:
            expected, found = theirs(value), ours(value)
            # repr: Decimal("NaN") is not equal to itself.
            assert (repr(found[0]), list((found[1] or {}).items())) == (
                repr(expected[0]),
                list((expected[1] or {}).items()),
            ), (field, value)


@pytest.mark.parametrize(
    "field",
    [
        {"name": "i", "type": "integer", "constraints": {"pattern": "[0-9]+"}},
        {"name": "s", "type": "string", "constraints": {"minimum": 1}},
        {"name": "s", "type": "string", "constraints": {"maxLength": "5"}},
        {"name": "s", "type": "string", "constraints": {"pattern": "(unclosed"}},
        {"name": "n", "type": "number", "constraints": {"minimum": "beaucoup"}},
        {"name": "d", "type": "date", "constraints": {"maximum": "31/12/2024"}},
        {"name": "b", "type": "boolean", "constraints": {"required": "oui"}},
        {"name": "y", "type": "year", "constraints": {"enum": ["deux mille"]}},
    ],
)
def test_a_schema_frictionless_would_refuse_is_left_to_frictionless(tmp_path: Path, field: dict) -> None:
    path = tmp_path / "f.csv"
    path.write_text(f"{field['name']}\n1\n", encoding="utf-8")
    assert unsupported({"name": "f", "path": "f.csv", "schema": {"fields": [field]}}, path, "utf-8")
