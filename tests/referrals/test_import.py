"""Import of the partner directory from a spreadsheet: all or nothing, idempotent, with history."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import Workbook

from casework.errors import RuleBroken
from casework.models import Role
from referrals.importing import partners_import
from referrals.models import Domain, Partner, Province
from tests.factories import UserFactory

SAMPLE = Path(settings.BASE_DIR) / "static" / "casework" / "partners_sample.csv"
HEADER = "name;domain;provinces;languages;undocumented_welcome;email;website;active"


def csv_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def xlsx_file(*rows: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(actor, network, data: bytes, filename: str = "partners.csv", **kwargs):
    return partners_import(actor=actor, network=network, data=data, filename=filename, **kwargs)


def snapshot():
    return Partner.objects.count(), Partner.history.count()


GOOD = csv_file(
    "Demo Legal Aid (fictional);legal_aid;BRU,VAN;fr,nl;yes;law@example.org;"
    "https://example.org/law;yes",
    "Demo Shelter (fictional);shelter;WLG;;no;;;no",
)


# --- A good file ---------------------------------------------------------------------------
def test_it_creates_every_partner_with_its_fields_and_history_naming_the_actor(
    network, centre_admin
):
    report = run(centre_admin, network, b"\xef\xbb\xbf" + GOOD)  # Excel's "CSV UTF-8" BOM
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    law = Partner.objects.get(name="Demo Legal Aid (fictional)")
    assert law.network == network
    assert law.domain == Domain.LEGAL_AID
    assert law.provinces == ["BRU", "VAN"]
    assert law.languages == ["nl", "fr"]  # in the order of the language list
    assert law.welcomes_undocumented and law.is_active
    assert (law.email, law.website) == ("law@example.org", "https://example.org/law")
    shelter = Partner.objects.get(name="Demo Shelter (fictional)")
    assert (shelter.languages, shelter.is_active, shelter.email) == ([], False, "")
    history = Partner.history.all()
    assert history.count() == 2
    assert {(row.history_type, row.history_user) for row in history} == {("+", centre_admin)}


def test_importing_the_same_file_twice_changes_nothing(network, centre_admin):
    run(centre_admin, network, GOOD)
    before = snapshot()
    report = run(centre_admin, network, GOOD)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_a_row_for_an_existing_partner_updates_it_and_keeps_what_the_file_leaves_out(
    network, centre_admin
):
    partner = Partner.objects.create(
        network=network,
        name="Demo Legal Aid (fictional)",
        domain=Domain.HEALTH,
        provinces=["WNA"],
        phone="+32 2 000 00 00",
        address="Rue de l'Exemple 1",
    )
    data = csv_file("DEMO LEGAL AID (fictional);Legal aid;Brussels;;yes;;;")
    report = run(centre_admin, network, data)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    partner.refresh_from_db()
    assert partner.name == "DEMO LEGAL AID (fictional)"
    assert (partner.domain, partner.provinces) == (Domain.LEGAL_AID, ["BRU"])
    # No phone or address column in the file: what the directory knew is kept.
    assert (partner.phone, partner.address) == ("+32 2 000 00 00", "Rue de l'Exemple 1")
    change = partner.history.latest("history_date")
    assert (change.history_type, change.history_user) == ("~", centre_admin)
    assert Partner.objects.count() == 1


def test_an_update_of_only_some_partners_leaves_the_others_without_history(network, centre_admin):
    run(centre_admin, network, GOOD)
    changed = GOOD.replace(b"law@example.org", b"legal@example.org")
    before = Partner.history.count()
    report = run(centre_admin, network, changed)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert Partner.history.count() == before + 1
    assert Partner.objects.get(name__startswith="Demo Legal").email == "legal@example.org"


def test_an_xlsx_file_imports_like_a_csv_file(network, centre_admin):
    data = xlsx_file(
        ["Name", "Domain", "Provinces", "Languages", "Undocumented_Welcome", "Phone", "Active"],
        ["Demo Taalhuis (fictional)", "language_classes", "VAN | VLI", "nl, ar", True, None, 1],
        [],  # a blank row in the middle is skipped
        ["Demo Werkwinkel (fictional)", "training_work", "BE-VOV", None, False, 3225550000, 0],
    )
    report = run(centre_admin, network, data, filename="directory.XLSX")
    assert report.ok, report.errors or report.file_error
    assert report.created == 2
    taalhuis = Partner.objects.get(name="Demo Taalhuis (fictional)")
    assert (taalhuis.provinces, taalhuis.languages) == (["VAN", "VLI"], ["ar", "nl"])
    assert taalhuis.welcomes_undocumented and taalhuis.is_active
    werkwinkel = Partner.objects.get(name="Demo Werkwinkel (fictional)")
    assert (werkwinkel.provinces, werkwinkel.phone, werkwinkel.is_active) == (
        ["VOV"],
        "3225550000",
        False,
    )


def test_names_in_dutch_and_french_and_a_windows_csv_are_understood(network, centre_admin):
    with translation.override("nl"):
        dutch_domain = translation.gettext(Domain.HEALTH.label)
    data = csv_file(
        f"Demo Santé (fictional),{dutch_domain},Anvers|Oost-Vlaanderen|Liege,Arabic,oui",
        "Demo Opvang (fictional),SHELTER,flandre occidentale;Brussel;BE-WNA,,NEE",
        header="NAME,Domain,provinces,languages,undocumented welcome",
        encoding="cp1252",
    )
    report = run(centre_admin, network, data)
    assert report.ok, report.errors
    sante = Partner.objects.get(name="Demo Santé (fictional)")
    assert (sante.domain, sante.provinces, sante.languages) == (
        Domain.HEALTH,
        ["VAN", "VOV", "WLG"],
        ["ar"],
    )
    opvang = Partner.objects.get(name="Demo Opvang (fictional)")
    assert opvang.provinces == ["BRU", "VWV", "WNA"]
    assert not opvang.welcomes_undocumented


def test_an_icam_desk_gets_its_group_of_coaches(network, centre_admin):
    data = csv_file("ICAM desk Demo (demo);icam_desk;BRU;fr;;;;", "Demo Club;leisure;BRU;;;;;")
    run(centre_admin, network, data)
    desk = Partner.objects.get(name="ICAM desk Demo (demo)")
    assert desk.group is not None
    assert Partner.objects.get(name="Demo Club").group is None
    # The group is plumbing: the desk's history holds its creation only.
    assert list(desk.history.values_list("history_type", flat=True)) == ["+"]


def test_a_partner_that_becomes_a_desk_gets_its_group(network, centre_admin):
    run(centre_admin, network, csv_file("Demo Desk;orientation;BRU;;;;;"))
    run(centre_admin, network, csv_file("Demo Desk;icam_desk;BRU;;;;;"))
    assert Partner.objects.get(name="Demo Desk").group is not None


def test_a_desk_stays_a_desk_in_an_import_too(network, centre_admin):
    """Its coaches hold grants on its referrals: a row may not make it a lawyer."""
    run(
        centre_admin,
        network,
        csv_file("Demo Desk;icam_desk;BRU;;;;;", "Demo Club;leisure;BRU;;;;;"),
    )
    before = snapshot()
    report = run(
        centre_admin,
        network,
        csv_file("Demo Desk;legal_aid;BRU;;;;;", "Demo Club;leisure;VAN;;;;;"),
    )
    assert not report.ok
    assert [(e.row_number, e.reason.startswith("domain:")) for e in report.errors] == [(2, True)]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert snapshot() == before
    assert Partner.objects.get(name="Demo Desk").domain == Domain.ICAM_DESK
    assert Partner.objects.get(name="Demo Club").provinces == ["BRU"]


def test_a_dry_run_counts_and_writes_nothing(network, centre_admin):
    report = run(centre_admin, network, GOOD, dry_run=True)
    assert report.ok and report.created == 2
    assert snapshot() == (0, 0)


def test_a_5000_row_file_imports_in_batches_not_row_by_row(
    network, centre_admin, django_assert_max_num_queries
):
    rows = [
        f"Demo Partner {number:05d} (fictional);{Domain.values[number % 9]};"
        f"{Province.values[number % 11]},BRU;fr,nl;{'yes' if number % 2 else 'no'};"
        f"p{number}@example.org;https://example.org/p{number};yes"
        for number in range(5000)
    ]
    data = csv_file(*rows)
    # Batches, not a query per row (SQLite's smaller batches need about 180).
    with django_assert_max_num_queries(250):
        report = run(centre_admin, network, data)
    assert report.ok
    assert report.created == 5000
    assert Partner.objects.filter(network=network).count() == 5000
    assert Partner.history.filter(history_user=centre_admin).count() == 5000
    again = run(centre_admin, network, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5000)
    assert Partner.history.count() == 5000


# --- Bad input: a clear report, nothing imported --------------------------------------------
@pytest.fixture
def existing(network):
    """A partner already in the directory, so "nothing changed" is not "nothing there"."""
    return Partner.objects.create(
        network=network, name="Demo Existing (fictional)", domain=Domain.HEALTH, provinces=["BRU"]
    )


GOOD_ROW = "Demo Good (fictional);health;BRU;fr;no;;;yes"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);cooking;BRU;;;;;", GOOD_ROW.replace("G", "H")),
            [(3, "domain: “cooking” is not a domain")],
            id="unknown-domain",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);health;BRU,Atlantis;;;;;"),
            [(3, "provinces: not known: “Atlantis”")],
            id="unknown-province",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);health;BRU;xx;;;;"),
            [(3, "languages: not known: “xx”")],
            id="unknown-language",
        ),
        pytest.param(
            csv_file(
                GOOD_ROW, "Demo Other;health;BRU;;;;;", "demo good (FICTIONAL) ;health;VAN;;;;;"
            ),
            [(2, "also on row 4"), (4, "also on row 2")],
            id="duplicate-rows",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);health;BRU;;maybe;;;"),
            [(3, "undocumented_welcome: “maybe” is neither yes nor no")],
            id="bad-boolean",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);health;BRU;;;not-an-address;not a url;"),
            [(3, "email: "), (3, "website: ")],
            id="bad-email-and-url",
        ),
        pytest.param(
            csv_file(GOOD_ROW, ";health;;;;;;", "Demo Bad (fictional);;BRU;;;;;"),
            [(3, "name: "), (3, "provinces: "), (4, "domain: ")],
            id="required-values",
        ),
        pytest.param(
            csv_file(GOOD_ROW, 'Demo Bad (fictional);health;BRU;;;=HYPERLINK("x");;'),
            [(3, "email: formulas are not accepted")],
            id="csv-formula",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "@SUM(1+1);health;BRU;;;;;"),
            [(3, "name: formulas are not accepted")],
            id="csv-at-formula",
        ),
        pytest.param(
            csv_file(GOOD_ROW, "Demo Bad (fictional);health;BRU;;;;;;surprise"),
            [(3, "Column 9 has a value but no name")],
            id="value-without-a-column",
        ),
    ],
)
def test_a_file_with_bad_rows_reports_every_one_and_imports_nothing(
    network, centre_admin, existing, data, expected
):
    before = snapshot()
    report = run(centre_admin, network, data)
    assert not report.ok
    assert report.file_error == ""
    found = [(error.row_number, error.reason) for error in report.errors]
    assert len(found) == len(expected), found
    for (row, reason), (expected_row, expected_reason) in zip(found, expected, strict=True):
        assert row == expected_row
        assert expected_reason in reason, reason
    assert snapshot() == before


def test_an_xlsx_file_with_a_formula_is_refused(network, centre_admin, existing):
    data = xlsx_file(
        ["name", "domain", "provinces", "phone"],
        ["Demo Good (fictional)", "health", "BRU", "+32 2 000 00 00"],
        ["Demo Sum (fictional)", "health", "BRU", "=1+1"],
    )
    before = snapshot()
    report = run(centre_admin, network, data, filename="partners.xlsx")
    assert [(e.row_number, e.reason.split(":")[0]) for e in report.errors] == [(3, "phone")]
    assert "formula" in report.errors[0].reason
    assert snapshot() == before


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        pytest.param(b"", "partners.csv", "The file is empty", id="empty"),
        pytest.param(b"\n \n;;\n", "partners.csv", "The file is empty", id="blank-lines"),
        pytest.param(csv_file(), "partners.csv", "no partners", id="header-only"),
        pytest.param(png(), "partners.csv", "not a CSV or XLSX file", id="binary"),
        pytest.param(b"name;domain", "partners.xlsx", "not a CSV or XLSX file", id="fake-xlsx"),
        pytest.param(csv_file(GOOD_ROW), "partners.pdf", "Only CSV and XLSX", id="extension"),
        pytest.param(b"\x81\x8d\x8f\x90\x9d", "partners.csv", "not a CSV", id="not-text"),
        pytest.param(
            csv_file(GOOD_ROW, header="name;domain;provinces;colour;size"),
            "partners.csv",
            "Unknown columns: colour, size",
            id="unknown-columns",
        ),
        pytest.param(
            csv_file("Demo;health", header="name;domain"),
            "partners.csv",
            "missing: provinces",
            id="missing-column",
        ),
        pytest.param(
            csv_file("Demo;health;BRU;BRU", header="name;domain;provinces;Provinces"),
            "partners.csv",
            "twice: provinces",
            id="column-twice",
        ),
        pytest.param(
            b'name;domain;provinces\n"Demo;health;BRU\n', "partners.csv", "malformed", id="quote"
        ),
        pytest.param(
            xlsx_file(["name", "domain", "provinces"]),
            "partners.xlsx",
            "no partners",
            id="xlsx-header-only",
        ),
    ],
)
def test_a_file_that_is_not_a_directory_is_refused_with_a_reason(
    network, centre_admin, existing, data, filename, expected
):
    before = snapshot()
    report = run(centre_admin, network, data, filename=filename)
    assert expected in report.file_error
    assert report.errors == []
    assert snapshot() == before


def test_files_above_the_limits_are_refused(network, centre_admin, monkeypatch):
    monkeypatch.setattr("referrals.importing.tables.MAX_ROWS", 2)
    report = run(centre_admin, network, csv_file(GOOD_ROW, "A;health;BRU", "B;health;BRU"))
    assert "more than 2 partners" in report.file_error
    monkeypatch.setattr("referrals.importing.tables.MAX_UNZIPPED_BYTES", 1000)
    data = xlsx_file(["name", "domain", "provinces"], ["Demo", "health", "BRU"])
    assert "too large once unpacked" in run(centre_admin, network, data, "p.xlsx").file_error
    monkeypatch.setattr("referrals.importing.tables.MAX_BYTES", 10)
    assert "larger than" in run(centre_admin, network, GOOD).file_error
    assert snapshot() == (0, 0)


def test_only_an_admin_of_the_network_may_import(network, holder, other_centre):
    with pytest.raises(RuleBroken):
        run(holder, network, GOOD)
    foreign_admin = UserFactory(centre=other_centre, roles=[Role.CENTRE_ADMIN])
    with pytest.raises(RuleBroken):
        run(foreign_admin, network, GOOD)
    assert snapshot() == (0, 0)
