"""Each check passes on the complete fixture and fails on a small, targeted change of it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import check, codes


def test_complete_package_passes_every_check(package):
    report = check(package())
    assert report.problems == []
    assert report.score == 100
    assert all(r.passed for r in report.checklist)


# --- profile -------------------------------------------------------------------------------


def test_profile_reports_wrong_types_and_missing_required(package):
    def edit(d):
        d["title"] = 3
        del d["resources"][0]["name"]

    report = check(package(descriptor=edit))
    problems = [p for p in report.problems if p.code == "profile-invalid"]
    assert {p.field for p in problems} == {"title", "resources.0"}
    assert any("obligatoire « name »" in p.message for p in problems)
    assert not report.valid


def test_name_must_equal_folder(package):
    report = check(package("mon-jeu", descriptor=lambda d: d.update(name="autre-nom")))
    [mismatch] = [p for p in report.problems if p.code == "name-mismatch"]
    assert "mon-jeu" in mismatch.fix and mismatch.severity == "error"


def test_unknown_theme_and_bad_date_format_are_profile_errors(package):
    report = check(
        package(descriptor=lambda d: d.update(theme=["POLITIQUE"], created="2026-11-22", modified="22/11/2026"))
    )
    fields = {p.field for p in report.problems if p.code == "profile-invalid"}
    assert fields == {"theme.0", "created", "modified"}  # created is a datetime, as Frictionless requires


# --- licence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "licence",
    [
        {"name": "etalab-2.0"},
        {"name": "ODbL-1.0"},
        {"path": "http://www.etalab.gouv.fr/licence-ouverte-open-licence"},
        {"title": "Licence Ouverte / Open Licence version 2.0"},
        {"title": "Licence ouverte 1.0"},
        {"name": "odc-odbl"},
    ],
)
def test_open_licences_recognised_by_id_url_or_title(package, licence):
    assert check(package(descriptor=lambda d: d.update(licenses=[licence]))).problems == []


@pytest.mark.parametrize(
    ("licences", "code"),
    [
        ([], "licence-missing"),
        ([{"name": "CC-BY-NC-4.0"}], "licence-not-open"),
        ([{"name": "notspecified"}], "licence-not-open"),
        ([{"title": "Licence maison de la mairie"}], "licence-unknown"),
    ],
)
def test_missing_unknown_or_closed_licence_is_an_error(package, licences, code):
    report = check(package(descriptor=lambda d: d.update(licenses=licences)))
    assert codes(report) == [code]
    assert not report.valid
    assert not next(r for r in report.checklist if r.criterion.id == "licence").passed


def test_public_body_outside_licences_of_decree_gets_a_warning(package):
    report = check(package(descriptor=lambda d: d.update(licenses=[{"name": "CC-BY-4.0"}])))
    assert codes(report) == ["licence-not-homologated"]
    assert report.valid and report.score == 100  # a legal remark, not a failed criterion


def test_private_publisher_may_use_cc_by(package):
    def edit(d):
        d["licenses"] = [{"name": "CC-BY-4.0"}]
        d["contributors"][0]["publicBody"] = False

    assert check(package(descriptor=edit)).problems == []


# --- freshness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "modified", "today", "late"),
    [
        ("annual", "2026-10-01", date(2027, 10, 2), False),  # due 2027-10-02, the grace day
        ("annual", "2026-10-01", date(2027, 10, 3), True),
        ("monthly", "2026-10-01", date(2026, 11, 2), False),
        ("monthly", "2026-10-01", date(2026, 11, 3), True),
        ("daily", "2026-11-20", date(2026, 11, 22), False),
        ("daily", "2026-11-20", date(2026, 11, 23), True),
        ("quinquennial", "2022-01-01", date(2026, 12, 31), False),
        ("biannual", "2025-01-01", date(2026, 11, 22), True),  # legacy alias of semiannual
        ("punctual", "2017-01-01", date(2026, 11, 22), False),
        ("continuous", "2017-01-01", date(2026, 11, 22), False),
        ("irregular", "2017-01-01", date(2026, 11, 22), False),
        ("never", "2017-01-01", date(2026, 11, 22), False),
    ],
)
def test_freshness_follows_data_gouv_periods_with_one_day_grace(package, frequency, modified, today, late):
    report = check(package(descriptor=lambda d: d.update(frequency=frequency, modified=modified)), today=today)
    assert ("stale" in codes(report)) is late


def test_stale_message_names_dates_in_french_format(package):
    report = check(package(descriptor=lambda d: d.update(modified="2025-01-15")))
    [stale] = report.problems
    assert stale.code == "stale" and stale.severity == "warning"
    assert "15/01/2025" in stale.message and "16/01/2026" in stale.message


def test_modified_in_future_is_an_error(package):
    report = check(package(descriptor=lambda d: d.update(modified="2026-12-01")))
    assert codes(report) == ["modified-in-future"] and not report.valid


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"frequency": None}, "frequency-missing"),
        ({"modified": None}, "modified-missing"),
        ({"frequency": "unknown"}, "frequency-unknown"),
        ({"frequency": "souvent"}, "frequency-invalid"),
    ],
)
def test_frequency_and_modified_problems(package, change, code):
    def edit(d):
        for key, value in change.items():
            if value is None:
                del d[key]
            else:
                d[key] = value

    assert code in codes(check(package(descriptor=edit)))


# --- metadata ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "code", "criterion"),
    [
        (lambda d: d.update(description="Trop court."), "description-too-short", "description"),
        (lambda d: d.pop("description"), "description-missing", "description"),
        (lambda d: d.pop("temporal"), "temporal-missing", "temporal"),
        (lambda d: d.update(temporal={"start": "2025-01-01", "end": "2024-01-01"}), "temporal-invalid", "temporal"),
        (lambda d: d.pop("spatial"), "spatial-missing", "spatial"),
        (
            lambda d: d.update(spatial={"title": "X", "code": "99999", "level": "commune"}),
            "spatial-code-invalid",
            "spatial",
        ),
        (
            lambda d: d.update(contributors=[{"title": "Quelqu'un", "roles": ["author"]}]),
            "publisher-missing",
            "publisher",
        ),
        (lambda d: d.pop("sources"), "sources-missing", "sources"),
        (lambda d: d["resources"][0].pop("description"), "resource-description-missing", "documented"),
        (lambda d: d["resources"][0]["schema"]["fields"][1].pop("description"), "field-description-missing", "fields"),
    ],
)
def test_metadata_completeness(package, edit, code, criterion):
    report = check(package(descriptor=edit))
    assert code in codes(report)
    assert not next(r for r in report.checklist if r.criterion.id == criterion).passed
    assert report.score < 100


@pytest.mark.parametrize(
    ("code", "level", "valid"),
    [
        ("FR", "pays", True),
        ("75056", "commune", True),
        ("2A004", "commune", True),
        ("97411", "commune", True),
        ("200046977", "epci", True),  # Métropole de Lyon's SIREN (Luhn-valid)
        ("200046978", "epci", False),
        ("2B", "departement", True),
        ("976", "departement", True),
        ("84", "region", True),
        ("ABC", None, False),
    ],
)
def test_spatial_codes(package, code, level, valid):
    spatial = {"title": "Territoire", "code": code, **({"level": level} if level else {})}
    report = check(package(descriptor=lambda d: d.update(spatial=spatial)))
    assert ("spatial-code-invalid" not in codes(report)) is valid


# --- formats -------------------------------------------------------------------------------


def test_closed_format_resource_is_a_warning_when_an_open_one_exists(package):
    def edit(d):
        d["resources"].append(
            {"name": "rapport", "path": "rapport.pdf", "format": "pdf", "description": "Le rapport original."}
        )

    report = check(package(descriptor=edit, files={"rapport.pdf": b"%PDF-1.4 fake"}))
    assert codes(report) == ["closed-format"]
    assert report.valid


def test_only_closed_formats_is_an_error(package):
    def edit(d):
        d["resources"] = [{"name": "tableau", "path": "tableau.xlsx", "description": "Le tableau."}]

    report = check(package(descriptor=edit, files={"tableau.xlsx": b"PK fake"}))
    assert set(codes(report)) == {"closed-format", "no-open-format"}
    assert not report.valid


# --- personal data -------------------------------------------------------------------------

PERSONAL = (
    "annee,dispositif,participants,budget,contact,telephone,nir\n"
    "2024,Budget participatif,1250,150000,jeanne.dupont@example.fr,06 12 34 56 78,2 84 05 75 112 345 28\n"
    "2024,Conseil de quartier,80,0,paul@exemple.org,+33 1 23 45 67 89,pas de NIR\n"
    "2025,Budget participatif,1834,175000.5,,0123456789,\n"
)


def test_personal_data_columns_are_flagged_with_count(package):
    def edit(d):
        fields = d["resources"][0]["schema"]["fields"]
        fields += [{"name": n, "type": "string", "description": n} for n in ("contact", "telephone", "nir")]

    report = check(package(descriptor=edit, files={"participation.csv": PERSONAL}))
    found = {(p.field, p.message.split("contient ")[1].split(" valeur")[0]) for p in report.problems}
    assert found == {("contact", "2"), ("telephone", "3"), ("nir", "1")}
    assert all(p.severity == "warning" for p in report.problems)
    strict = check(package("strict", descriptor=edit, files={"participation.csv": PERSONAL}), strict=True)
    assert {p.severity for p in strict.problems} == {"error"} and not strict.valid


def test_nir_key_is_verified():
    from portal.checks.personal_data import kind_of

    assert kind_of("2 84 05 75 112 345 28") == "nir"
    assert kind_of("2 84 05 75 112 345 24") is None  # wrong key (97 - n mod 97 = 28)
    assert kind_of("1234567890123456") is None
    assert kind_of("2024") is None


def test_large_files_are_sampled(package):
    rows = "".join(f"{2000 + i},Dispositif {i},{i},0\n" for i in range(200))
    csv = "annee,dispositif,participants,budget\n" + rows + "2300,contact@example.org,1,0\n"
    folder = package(files={"participation.csv": csv})
    assert check(folder).problems[0].code == "personal-data"
    sampled = check(folder, sample_rows=100)
    assert "personal-data" not in codes(sampled)


# --- structure -----------------------------------------------------------------------------


def test_type_and_constraint_errors_name_row_and_field(package):
    csv = "annee,dispositif,participants,budget\n2024,Budget,douze,0\n2025,,-3,0\n"
    report = check(package(files={"participation.csv": csv}))
    found = [(p.code, p.row, p.field) for p in report.problems]
    assert found == [
        ("type-error", 2, "participants"),
        ("constraint-error", 3, "dispositif"),
        ("constraint-error", 3, "participants"),
    ]
    assert all(p.file.endswith("participation.csv") for p in report.problems)


def test_primary_and_foreign_keys(package):
    def edit(d):
        d["resources"].append(
            {
                "name": "dispositifs",
                "path": "dispositifs.csv",
                "format": "csv",
                "description": "Les dispositifs.",
                "schema": {
                    "fields": [{"name": "dispositif", "type": "string", "description": "Nom."}],
                    "primaryKey": ["dispositif"],
                },
            }
        )
        d["resources"][0]["schema"]["foreignKeys"] = [
            {"fields": ["dispositif"], "reference": {"resource": "dispositifs", "fields": ["dispositif"]}}
        ]

    csv = "annee,dispositif,participants,budget\n2024,Budget participatif,1,0\n2024,Budget participatif,2,0\n2025,Inconnu,3,0\n"
    folder = package(
        descriptor=edit,
        files={"participation.csv": csv, "dispositifs.csv": "dispositif\nBudget participatif\n"},
    )
    assert [(p.code, p.row) for p in check(folder).problems] == [("primary-key", 3), ("foreign-key", 4)]
