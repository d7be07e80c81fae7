"""Bad input never crashes: one clear problem naming the file and the fix, and the other
datasets are still checked."""

from __future__ import annotations

import json
import socket
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import check, codes

GOOD_CSV = "annee,dispositif,participants,budget\n2024,Budget participatif,1250,150000\n"


def test_malformed_json_names_line_and_column(package, cli):
    folder = package()
    (folder / "datapackage.json").write_text('{\n  "name": "complet",\n  "title": "x"\n  "resources": []\n}\n')
    report = check(folder)
    [problem] = report.problems
    assert problem.code == "descriptor-invalid-json"
    assert "ligne 4, colonne 3" in problem.message
    assert problem.file.endswith("datapackage.json") and problem.row == 4
    assert report.score == 0


def test_a_broken_dataset_does_not_stop_the_others(package, cli, tmp_path):
    package("casse").joinpath("datapackage.json").write_text("{ pas du json")
    package("bon")
    result = cli("validate", str(tmp_path), "--today", "2026-11-22", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    by_name = {d["name"]: d for d in report["datasets"]}
    assert by_name["bon"]["valid"] and by_name["bon"]["score"] == 100
    assert [p["code"] for p in by_name["casse"]["problems"]] == ["descriptor-invalid-json"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"[1, 2]", "descriptor-not-object"),
        (b'{"name": "caf\xe9"}', "descriptor-not-utf8"),
    ],
)
def test_unreadable_descriptors(package, content, code):
    folder = package()
    (folder / "datapackage.json").write_bytes(content)
    assert codes(check(folder)) == [code]


def test_missing_descriptor_and_missing_path(tmp_path, cli):
    (tmp_path / "sans-descripteur").mkdir()
    (tmp_path / "sans-descripteur" / "participation.csv").write_text("a,b\n1,2\n", "utf-8")
    result = cli("validate", str(tmp_path / "sans-descripteur"), str(tmp_path / "nulle-part"), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert [p["code"] for p in report["problems"]] == ["descriptor-missing", "path-not-found"]


def test_an_empty_datasets_folder_is_a_new_portal_not_an_error(tmp_path, cli):
    """What portal init makes: datasets/ with a .gitkeep. A warning says what to do; validation passes."""
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / ".gitkeep").touch()
    result = cli("validate", str(tmp_path / "datasets"), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert [(p["code"], p["severity"]) for p in report["problems"]] == [("datasets-empty", "warning")]
    assert cli("validate", str(tmp_path / "datasets"), "--strict").exit_code == 1


def test_missing_resource_file(package):
    report = check(package(files={"participation.csv": None}))
    [problem] = report.problems
    assert problem.code == "resource-missing" and "participation.csv" in problem.message
    assert not next(r for r in report.checklist if r.criterion.id == "available").passed


@pytest.mark.parametrize("path", ["../secret.csv", "/etc/passwd", "sous/../../secret.csv", "C:\\data\\x.csv"])
def test_paths_escaping_the_dataset_folder_are_refused(package, path):
    folder = package(descriptor=lambda d: d["resources"][0].update(path=path))
    (folder.parent / "secret.csv").write_text(GOOD_CSV)
    assert codes(check(folder)) == ["path-unsafe"]


def test_symlink_escaping_the_folder_is_refused(package):
    folder = package(files={"participation.csv": None})
    outside = folder.parent / "ailleurs.csv"
    outside.write_text(GOOD_CSV)
    (folder / "participation.csv").symlink_to(outside)
    assert codes(check(folder)) == ["path-unsafe"]


def test_symlink_inside_the_folder_is_fine(package):
    folder = package()
    (folder / "participation.csv").rename(folder / "vrai.csv")
    (folder / "participation.csv").symlink_to(folder / "vrai.csv")
    assert check(folder).problems == []


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_remote_resources_are_not_fetched_by_default(package, no_network):
    url = "https://example.org/participation.csv"
    report = check(package(descriptor=lambda d: d["resources"][0].update(path=url)))
    assert codes(report) == ["resource-remote"]
    assert report.valid  # a warning: nothing was read, nothing is wrong yet


@pytest.fixture
def http_server(tmp_path):
    root = tmp_path / "web"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_remote_resources_are_checked_with_allow_remote(package, http_server):
    root, base = http_server
    (root / "bon.csv").write_text(GOOD_CSV)
    (root / "mauvais.csv").write_text("annee,dispositif,participants,budget\n2024,Budget,douze,0\n")
    good = package("bon", descriptor=lambda d: d["resources"][0].update(path=f"{base}/bon.csv"))
    bad = package("mauvais", descriptor=lambda d: d["resources"][0].update(path=f"{base}/mauvais.csv"))
    assert check(good, allow_remote=True).problems == []
    assert codes(check(bad, allow_remote=True)) == ["type-error"]


def test_windows_1252_csv_says_which_encoding(package):
    csv = "annee,dispositif,participants,budget\n2024,Conseil de quartier ‘Église’ – été,80,0\n"
    report = check(package(files={"participation.csv": csv.encode("cp1252")}))
    [problem] = report.problems
    assert problem.code == "encoding-not-utf8"
    assert "Windows-1252" in problem.message and problem.row == 2
    assert "UTF-8" in problem.fix


def test_latin1_csv_is_named(package):
    csv = "annee,dispositif,participants,budget\n2024,Réunion publique à l'école,80,0\n"
    [problem] = check(package(files={"participation.csv": csv.encode("latin-1")})).problems
    assert problem.code == "encoding-not-utf8" and "Latin-1" in problem.message


def test_empty_file(package):
    assert codes(check(package(files={"participation.csv": b""}))) == ["file-empty"]


def test_duplicate_and_blank_headers(package):
    csv = "annee,dispositif,dispositif,\n2024,Budget,1,0\n"
    report = check(package(files={"participation.csv": csv}))
    assert {"duplicate-label", "blank-label"} <= set(codes(report))
    assert all(p.row == 1 for p in report.problems if p.code.endswith("-label"))


def test_utf8_bom_is_accepted(package):
    assert check(package(files={"participation.csv": b"\xef\xbb\xbf" + GOOD_CSV.encode()})).problems == []


def test_semicolons_and_decimal_commas_declared_are_accepted(package):
    def edit(d):
        resource = d["resources"][0]
        resource["dialect"] = {"csv": {"delimiter": ";"}}
        resource["schema"]["fields"][3].update(decimalChar=",", groupChar=" ")

    csv = "annee;dispositif;participants;budget\n2024;Budget participatif;1250;150 000,5\n"
    assert check(package(descriptor=edit, files={"participation.csv": csv})).problems == []


def test_v1_dialect_is_accepted_too(package):
    csv = "annee;dispositif;participants;budget\n2024;Budget participatif;1250;150000\n"
    edit = lambda d: d["resources"][0].update(dialect={"delimiter": ";"})  # noqa: E731
    assert check(package(descriptor=edit, files={"participation.csv": csv})).problems == []


def test_invalid_schema_is_one_clear_problem(package):
    def edit(d):
        d["resources"][0]["schema"]["fields"][0]["name"] = "dispositif"

    report = check(package(descriptor=edit))
    assert codes(report) == ["schema-error"]
    assert "participation.csv" in report.problems[0].message


def test_usage_errors_exit_2(cli):
    assert cli("validate", "--today", "hier").exit_code == 2
    assert cli("validate", "--format", "xml").exit_code == 2
    assert cli("validate", "--nope").exit_code == 2


def test_a_changed_data_file_validates_its_dataset(package, cli):
    folder = package()
    result = cli("validate", str(folder / "participation.csv"), "--today", "2026-11-22", "--format", "json")
    assert result.exit_code == 0
    assert [d["name"] for d in json.loads(result.output)["datasets"]] == ["complet"]
    twice = cli("validate", str(folder / "participation.csv"), str(folder / "datapackage.json"), "--format", "json")
    assert len(json.loads(twice.output)["datasets"]) == 1  # a dataset is checked once


def _large_csv_with_a_latin1_line(rows: int = 40_000) -> bytes:
    """A CSV past the files check's head (1 MB), with one Latin-1 line near its end."""
    lines = [f"{2000 + i % 20},Dispositif n° {i},{i},{i * 10}\n" for i in range(rows)]
    lines[-3] = "2024,Réunion à l'école,80,0\n"
    return ("annee,dispositif,participants,budget\n" + "".join(lines[:-3])).encode() + (
        lines[-3].encode("latin-1") + "".join(lines[-2:]).encode()
    )


@pytest.mark.parametrize(
    ("edit", "engine"),
    [
        (lambda d: None, "fast engine"),
        # A datetime field: frictionless validates the table.
        (
            lambda d: d["resources"][0]["schema"]["fields"].append({"name": "horodatage", "type": "datetime"}),
            "frictionless",
        ),
        (lambda d: d["resources"][0].update(schema="scdl/inconnu"), "no engine: the schema is unknown"),
    ],
)
def test_a_large_csv_not_utf8_past_its_head_is_named_with_its_line(package, edit, engine):
    data = _large_csv_with_a_latin1_line()
    assert len(data) > 1 << 20
    report = check(package(descriptor=edit, files={"participation.csv": data}))
    [problem] = [p for p in report.problems if p.code == "encoding-not-utf8"]
    assert problem.row == 39_999 and "Latin-1" in problem.message, engine
    # The table is not validated as if it were readable: no cell error from a half-read file.
    assert not [p for p in report.problems if p.code in {"type-error", "constraint-error", "table-error"}]


def test_a_large_utf8_csv_is_accepted_by_either_engine(package):
    lines = "".join(f"{2000 + i % 20},Réunion n° {i},{i},{i * 10}\n" for i in range(40_000))
    data = ("annee,dispositif,participants,budget\n" + lines).encode()
    assert len(data) > 1 << 20
    assert check(package(files={"participation.csv": data})).problems == []
    unique_number = package(
        "unique",
        descriptor=lambda d: d["resources"][0]["schema"]["fields"][3].update(constraints={"unique": True}),
        files={"participation.csv": data},
    )
    # « unique » on a number: frictionless reads the table, after the files check decoded it whole.
    report = check(unique_number)
    assert report.problems == [] and report.tables[0]["engine"] == "frictionless"
