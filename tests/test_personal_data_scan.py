"""The fast personal-data scan (polars) finds exactly what the reference scan (csv module, kind_of) finds."""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.checks import personal_data
from portal.checks.base import Context, Options
from portal.checks.personal_data import EMAIL, NIR, PHONE, WHITESPACE, fast_scan, kind_of, sample_batches, scan
from portal.files import BOM, ResourceFile

ODD_SPACES = "\x1c\x1d\x1e\x1f\x85\xa0\u2007\u202f\u3000\x0b\x0c\t"  # Python strips them all; Rust not \x1c-\x1f
OTHER_DIGITS = ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９", "०१२३४५६७८९", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"]
TEXTS = [
    "",
    " ",
    "Association n° 3",
    "2 rue de l'Église",
    "2026-10-17",
    "21999194000012",
    "W123456789",
    "0.5",
    "1",
    "Fête, musique",  # holds the delimiter: quoted
    'il a dit "oui"',  # holds the quote: quoted
    "\ufeff0612345678",  # a BOM is not whitespace
    "\u200b0612345678",  # nor is a zero-width space
    "@",
    "a@b",
    "x@y.z",
]


# --- cells ------------------------------------------------------------------------------------


def nir(rng: random.Random) -> str:
    parts = [
        rng.choice("12"),
        f"{rng.randrange(100):02d}",
        rng.choice([f"{rng.randint(1, 12):02d}", f"{rng.randint(20, 99)}", "00", "13"]),
        rng.choice([f"{rng.randrange(100):02d}", "2A", "2B", "2C"]),
        f"{rng.randrange(1000):03d}",
        f"{rng.randrange(1000):03d}",
    ]
    key = 97 - int("".join(parts).replace("2A", "19").replace("2B", "18").replace("2C", "0")) % 97
    if rng.random() < 0.8:
        parts.append(f"{key if rng.random() < 0.6 else rng.randrange(100):02d}")
    gaps = rng.choice(["", " ", "\xa0", "\t", "  ", "-"])
    return "".join(
        part + (rng.choice(["", gaps]) if index < len(parts) - 1 else "") for index, part in enumerate(parts)
    )


def phone(rng: random.Random) -> str:
    prefix = rng.choice(
        ["0", "0 ", "+33", "+33 ", "0033", "0033 ", "+33 (0)", "+33(0)", "+33 (0) ", "+330", "33", "+32"]
    )
    separator = rng.choice(["", " ", ".", "-", "\xa0", "\u202f", "\x1c", "  ", "/"])
    pairs = [f"{rng.randrange(100):02d}" for _ in range(rng.choice([4, 4, 4, 3, 5]))]
    number = prefix + rng.choice("123456789" if rng.random() < 0.9 else "0A") + "".join(separator + p for p in pairs)
    if rng.random() < 0.1:
        number = number.translate(str.maketrans("0123456789", rng.choice(OTHER_DIGITS)))
    return number


def email(rng: random.Random) -> str:
    local = rng.choice(["jeanne.dupont", "paul", "a_b%c+d", "é", ""])
    domain = rng.choice(["example", "ex-ample", "mairie.exemple", ""])
    address = f"{local}@{domain}.{rng.choice(['fr', 'org', 'co.uk', 'x', 'f2'])}"
    return rng.choice(["{}", "contact : {}", "{} ou appeler", "<{}>"]).format(address)


def long_email(rng: random.Random) -> str:
    address = "x" * rng.randint(305, 312) + "@example.fr"  # 316 to 323 characters, around the 320 limit
    return rng.choice(["", " ", "\u3000\x1c"]) + address + rng.choice(["", " ", "\x1f\t"])


def cell(rng: random.Random) -> str:
    value = rng.choice([nir, phone, email, long_email, lambda rng: rng.choice(TEXTS)])(rng)
    if rng.random() < 0.3:
        value = rng.choice(ODD_SPACES + " ") * rng.randint(1, 2) + value + rng.choice(["", " ", *ODD_SPACES])
    return value


# --- files ------------------------------------------------------------------------------------


def resource(path: Path, encoding: str = "utf-8", **dialect) -> ResourceFile:
    descriptor = {"name": "t", "path": path.name, "format": "csv"}
    if dialect:
        descriptor["dialect"] = dialect
    return ResourceFile(descriptor, label=path.name, path=path, encoding=encoding)


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", line_end: str = "\n", bom: bool = False) -> None:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    path.write_bytes((BOM if bom else b"") + text.getvalue().encode("utf-8"))


def random_csv(rng: random.Random, path: Path) -> ResourceFile:
    """A random CSV file with personal data, in any of the dialects the fast path reads."""
    width = rng.randint(1, 7)
    header = rng.random() < 0.8
    names = [rng.choice(["contact", "tel", "nir", "", "nom", "contact"]) for _ in range(width)]
    rows = [[cell(rng) for _ in range(width)] for _ in range(rng.randint(0, 120))]
    delimiter = rng.choice([",", ";", "\t", "|"])
    bom = rng.random() < 0.2
    write_csv(path, ([names] if header else []) + rows, delimiter, rng.choice(["\n", "\r\n"]), bom)
    if rows and rng.random() < 0.3:  # no line end after the last row
        path.write_bytes(path.read_bytes().rstrip(b"\r\n"))
    return resource(path, "utf-8-sig" if bom else "utf-8", delimiter=delimiter, header=header)


def assert_same_scan(rf: ResourceFile, limits: list[int], *, batch_bytes: int = 1000) -> None:
    """The fast path reads the file and finds what the reference finds, for every limit."""
    for limit in limits:
        found = fast_scan(rf, limit, batch_bytes=batch_bytes)
        assert found is not None, f"the fast path refused the file (limit {limit})"
        assert found == scan(rf, limit), f"limit {limit}"


def data_rows(rf: ResourceFile) -> int:
    return scan(rf, sys.maxsize)[1]


@pytest.mark.parametrize("seed", range(60))
def test_fast_scan_equals_reference_on_random_files(tmp_path, seed, monkeypatch):
    rng = random.Random(seed)
    if seed % 2:  # classify with polars expressions, not kind_of, however few the suspects
        monkeypatch.setattr(personal_data, "FEW_SUSPECTS", 0)
    rf = random_csv(rng, tmp_path / "data.csv")
    rows = data_rows(rf)
    limits = sorted({0, 1, max(rows - 1, 0), rows, rows + 1, rng.randint(0, rows + 5), 50_000})
    assert_same_scan(rf, limits, batch_bytes=rng.choice([1, 200, 1000, 1 << 20]))


def test_fast_scan_finds_every_kind(tmp_path):
    path = tmp_path / "data.csv"
    rows = [
        ["contact", "tel", "nir", "texte"],
        ["jeanne.dupont@example.fr", "06 12 34 56 78", "2 84 05 75 112 345 28", "rien"],
        [" paul@exemple.org ", "+33 (0)1 23 45 67 89", "1840575112345", "2A"],
        ["x", "\x1c0033 6.12.34.56.78\x1f", "2 84 05 2A 112 345 24", ""],
    ]
    write_csv(path, rows)
    found = fast_scan(resource(path), 100)
    assert found == scan(resource(path), 100)
    assert found == ({("contact", "email"): 2, ("tel", "phone"): 3, ("nir", "nir"): 2}, 3, False)


# --- the classification alone -----------------------------------------------------------------

values = st.one_of(
    st.text(alphabet=st.sampled_from("0123456789 +().-@AB.x\n" + ODD_SPACES), max_size=30),
    st.from_regex(PHONE, fullmatch=True),  # any Unicode digit and whitespace Python's \d and \s take
    st.from_regex(NIR, fullmatch=True),
    st.from_regex(EMAIL),
    st.text(max_size=40),
    st.builds(
        lambda pad, value, end: pad + value + end, st.text(ODD_SPACES + " \n\r"), st.sampled_from(TEXTS), st.text(" \n")
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(values, max_size=40), st.booleans())
def test_vectorised_classification_equals_kind_of(cells, by_polars):
    with pytest.MonkeyPatch.context() as patch:
        if by_polars:
            patch.setattr(personal_data, "FEW_SUSPECTS", 0)
        frame = pl.DataFrame({"c0": cells, "c1": cells[::-1]}, schema={"c0": pl.String, "c1": pl.String})
        found = personal_data._kinds(personal_data._suspects(frame, emails=True))
    expected = Counter(
        (index, kind) for index, column in enumerate([cells, cells[::-1]]) for v in column if (kind := kind_of(v))
    )
    assert found == expected


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.lists(values.filter(lambda v: "\n" not in v and "\r" not in v), min_size=3, max_size=3), max_size=20),
    st.sampled_from([",", ";", "\t"]),
    st.integers(0, 25),
)
def test_fast_scan_equals_reference_on_generated_tables(tmp_path, rows, delimiter, limit):
    path = tmp_path / "generated.csv"
    write_csv(path, [["a", "b", "a"], *rows], delimiter)
    assert_same_scan(resource(path, delimiter=delimiter), [limit, len(rows)])


def test_whitespace_is_pythons():
    every_character = "".join(map(chr, range(sys.maxunicode + 1))).replace("\ud800", "")
    assert set(WHITESPACE) == {c for c in every_character if c.isspace()} == set(re.findall(r"\s", every_character))


def test_rust_digits_hold_every_python_digit():
    digits = [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\d", c)]
    assert pl.Series(digits).str.contains(r"^\p{Nd}$").all()
    assert pl.Series(digits).str.contains(personal_data.OTHER_DIGIT).sum() == len(digits) - 10


# --- where the fast path steps aside ----------------------------------------------------------


def test_files_the_fast_path_reads(tmp_path):
    path = tmp_path / "data.csv"
    write_csv(path, [["contact", "", "contact"], ["a@b.fr", "0612345678", "c@d.fr"], ["x", "y"], []], ";")
    assert_same_scan(resource(path, delimiter=";"), [0, 1, 2, 3, 4])  # ragged rows, duplicate and blank names
    assert_same_scan(resource(path, delimiter=";", header=False), [0, 2, 5])
    path.write_bytes(BOM + path.read_bytes())
    assert_same_scan(resource(path, "utf-8-sig", delimiter=";", header=False), [0, 2, 5])
    assert_same_scan(resource(path, "utf-8", delimiter=";", header=False), [0, 2, 5])  # the codec keeps the BOM
    assert scan(resource(path, "utf-8-sig", delimiter=";"), 9)[0][("contact", "email")] == 2


@pytest.mark.parametrize(
    ("content", "encoding", "header"),
    [
        ("nom,contact\nRené,rené@exemple.fr\nZoé,06 12 34 56 78\n".encode("cp1252"), "cp1252", True),
        (b"nom,contact\nRen\xe9,a@b.fr\nx,06 12 34 56 78\n", "utf-8", True),  # not UTF-8 after all
        (b'nom,contact\nx,"a@b.fr\nsuite"\ny,06 12 34 56 78\n', "utf-8", True),  # a quoted cell spans lines
        (b'nom,contact\n"x"y,a@b.fr\nx,06 12 34 56 78\n', "utf-8", True),  # a stray quote
        (b"nom,contact\nx,a@b.fr\ry,06 12 34 56 78\n", "utf-8", True),  # a lone carriage return
        (b"nom,contact\nx,a@b.fr\ny,06 12 34 56 78,de trop\n", "utf-8", True),  # more cells than the first row
        (b"\n\nx,a@b.fr\n", "utf-8", True),  # a blank first line
        (b'"nom\ncomplet",contact\nx,a@b.fr\n', "utf-8", True),  # a header that spans lines
    ],
)
def test_fallback_files_give_the_reference_result(tmp_path, content, encoding, header):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    rf = resource(path, encoding, header=header)
    assert fast_scan(rf, 10) is None
    assert personal_data.scan(rf, 10)[0]  # the reference still finds something


@pytest.fixture
def field_size_limit():
    """A small limit on the csv module's cells (other code may have raised it to sys.maxsize)."""
    previous = csv.field_size_limit(1000)
    yield 1000
    csv.field_size_limit(previous)


def test_an_overlong_cell_is_left_to_the_csv_module(tmp_path, field_size_limit):
    path = tmp_path / "data.csv"
    path.write_text("nom,contact\n" + "x" * (field_size_limit + 1) + ",a@b.fr\n", "utf-8")
    assert fast_scan(resource(path), 10) is None
    with pytest.raises(csv.Error):
        scan(resource(path), 10)
    path.write_text("nom,contact\nx,a@b.fr\n" + "x" * (field_size_limit + 1) + "\n", "utf-8")
    assert fast_scan(resource(path), 1) is None  # the csv module refuses the row after the sample
    with pytest.raises(csv.Error):
        scan(resource(path), 1)
    path.write_text("nom,contact\n" + "x" * field_size_limit + ",a@b.fr\n", "utf-8")
    assert_same_scan(resource(path), [0, 1])


def test_empty_and_header_only_files(tmp_path):
    path = tmp_path / "data.csv"
    for content in [b"", b"nom,contact", b"nom,contact\n", b"nom,contact\r\n\r\n", b"\n"]:
        path.write_bytes(content)
        assert_same_scan(resource(path), [0, 1, 5])


def test_many_suspects_are_judged_by_polars(tmp_path):
    path = tmp_path / "data.csv"
    write_csv(path, [["contact", "tel"]] + [[f"p{i}@exemple.fr", f"06 12 34 56 {i % 100:02d}"] for i in range(700)])
    rf = resource(path)
    assert fast_scan(rf, 600) == scan(rf, 600) == ({("contact", "email"): 600, ("tel", "phone"): 600}, 600, True)


def test_run_reads_with_polars_and_falls_back_to_the_csv_module(tmp_path, monkeypatch):
    plain, windows = tmp_path / "plain.csv", tmp_path / "windows.csv"
    write_csv(plain, [["contact"], ["rene@exemple.fr"]])
    windows.write_bytes("contact,nom\nrene@exemple.fr,Zoé\n".encode("cp1252"))
    reference, read_by_scan = personal_data.scan, []
    monkeypatch.setattr(personal_data, "scan", lambda rf, limit: read_by_scan.append(rf.label) or reference(rf, limit))
    context = Context(dataset=None, files=[resource(plain), resource(windows, "cp1252")], options=Options())
    problems = list(personal_data.run(context))
    assert read_by_scan == ["windows.csv"]
    assert [(p.file, p.field) for p in problems] == [("plain.csv", "contact"), ("windows.csv", "contact")]
    assert "1 valeur(s) qui ressemblent à des adresses électroniques (sur 1 lignes)" in problems[0].message


# --- memory -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.csv"
    rng = random.Random(0)
    lines = ["id,nom,date,montant,contact,tel\n"]
    lines += [
        f"{i},Association n° {i},2026-{i % 12 + 1:02d}-17,{rng.randrange(10**6)}.{i % 100:02d},"
        f"{'contact@exemple.fr' if i % 97 == 0 else ''},{'06 12 34 56 78' if i % 89 == 0 else ''}\n"
        for i in range(300_000)
    ]
    path.write_text("".join(lines), "utf-8")
    return path


def test_sample_batches_read_only_the_sample(large_csv):
    with large_csv.open("rb") as stream:
        header = stream.readline()
        batches = list(sample_batches(stream, 50_000, batch_bytes=1 << 20))
        end = stream.tell()
    with large_csv.open("rb") as stream:
        expected = b"".join(stream.readline() for _ in range(50_001))[len(header) :]
    assert b"".join(batch for batch, _ in batches) == expected
    assert sum(lines for _, lines in batches) == 50_000 and all(batch.endswith(b"\n") for batch, _ in batches)
    assert end == len(header) + len(expected) < large_csv.stat().st_size / 5


def test_fast_scan_memory_is_bounded_by_a_batch(large_csv):
    rf = resource(large_csv)
    tracemalloc.start()
    found = fast_scan(rf, 250_000, batch_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert found == scan(rf, 250_000)
    assert found[1] == 250_000 and found[2]
    sample_bytes = large_csv.stat().st_size * 5 / 6
    assert peak < 6 << 20 < sample_bytes / 2  # a few blocks of 1 MiB, whatever the sample's size
