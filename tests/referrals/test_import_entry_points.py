"""The import's entry points: the shipped sample, the command and the centre admin's screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from referrals.models import Domain, Partner

from .test_import import GOOD, GOOD_ROW, SAMPLE, csv_file, png, run, snapshot


# --- The shipped sample ----------------------------------------------------------------------
def test_the_sample_file_imports_cleanly_and_covers_every_domain(network, centre_admin):
    report = run(centre_admin, network, SAMPLE.read_bytes(), filename=SAMPLE.name)
    assert report.ok, report.errors or report.file_error
    assert report.created >= 20
    partners = list(Partner.objects.filter(network=network))
    assert {partner.domain for partner in partners} == set(Domain.values)
    assert len({code for partner in partners for code in partner.provinces}) >= 5
    assert all("example.org" in partner.email for partner in partners)
    assert all(partner.group_id for partner in partners if partner.is_desk)


# --- The command -----------------------------------------------------------------------------
@pytest.fixture
def sample_path(tmp_path) -> Path:
    path = tmp_path / "partners.csv"
    path.write_bytes(GOOD)
    return path


def test_the_command_imports_a_file_and_names_the_user_in_history(
    network, centre_admin, sample_path
):
    out = io.StringIO()
    call_command("import_partners", str(sample_path), user=centre_admin.username, stdout=out)
    assert "2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert {row.history_user for row in Partner.history.all()} == {centre_admin}
    out = io.StringIO()
    call_command("import_partners", str(sample_path), user=centre_admin.username, stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_the_command_refuses_a_bad_file_and_lists_every_bad_row(network, centre_admin, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(GOOD_ROW, "Demo;cooking;BRU;;;;;", "Demo 2;health;Atlantis;;;;;"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_partners", str(path), user=centre_admin.username, stderr=err)
    assert "Row 3: domain" in err.getvalue()
    assert "Row 4: provinces" in err.getvalue()
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        call_command("import_partners", str(path), user=centre_admin.username)
    assert snapshot() == (0, 0)


def test_the_command_needs_a_known_user_and_network(
    network, other_network, centre_admin, sample_path
):
    with pytest.raises(CommandError, match="--user"):
        call_command("import_partners", str(sample_path))
    with pytest.raises(CommandError, match="No active user"):
        call_command("import_partners", str(sample_path), user="nobody")
    with pytest.raises(CommandError, match="--network"):
        call_command("import_partners", str(sample_path), user=centre_admin.username)
    with pytest.raises(CommandError, match="admin of a centre"):
        call_command(
            "import_partners",
            str(sample_path),
            user=centre_admin.username,
            network=other_network.name,
        )
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_partners", "/nonexistent.csv", user=centre_admin.username, network=network.name
        )
    assert snapshot() == (0, 0)
    call_command(
        "import_partners",
        str(sample_path),
        user=centre_admin.username,
        network=network.name,
        stdout=io.StringIO(),
    )
    assert Partner.objects.filter(network=network).count() == 2


def test_the_command_dry_run_writes_nothing(network, centre_admin, sample_path):
    out = io.StringIO()
    call_command(
        "import_partners", str(sample_path), user=centre_admin.username, dry_run=True, stdout=out
    )
    assert "Dry run" in out.getvalue()
    assert snapshot() == (0, 0)


# --- The screen ------------------------------------------------------------------------------
def upload(data: bytes, name: str) -> dict:
    return {"file": SimpleUploadedFile(name, data)}


def test_a_centre_admin_imports_the_sample_file_from_the_screen(web, centre_admin):
    browser = web(centre_admin)
    page = browser.get(reverse("partner_import"))
    assert page.status_code == 200
    assert "partners_sample.csv" in page.content.decode()
    response = browser.post(
        reverse("partner_import"), upload(SAMPLE.read_bytes(), "partners_sample.csv")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("partner_list")
    [message] = list(get_messages(response.wsgi_request))
    assert "25 partners added" in str(message)
    assert Partner.objects.count() == 25
    assert {row.history_user for row in Partner.history.all()} == {centre_admin}


def test_a_bad_file_shows_its_row_errors_on_the_screen_and_imports_nothing(web, centre_admin):
    data = csv_file(GOOD_ROW, "Demo Bad;health;BRU;;;nope;;")
    response = web(centre_admin).post(reverse("partner_import"), upload(data, "bad.csv"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "<td>3</td>" in page
    assert "email: " in page
    assert snapshot() == (0, 0)


def test_a_refused_file_and_a_missing_file_are_explained(web, centre_admin):
    browser = web(centre_admin)
    response = browser.post(reverse("partner_import"), upload(png(), "photo.csv"))
    assert "not a CSV or XLSX file" in response.content.decode()
    response = browser.post(reverse("partner_import"), {})
    assert response.context["form"].errors["file"] == ["Choose the spreadsheet to import."]
    assert snapshot() == (0, 0)


def test_a_counsellor_may_not_import(web, holder):
    browser = web(holder)
    assert browser.get(reverse("partner_import")).status_code == 403
    response = browser.post(reverse("partner_import"), upload(GOOD, "partners.csv"))
    assert response.status_code == 403
    assert snapshot() == (0, 0)


def test_the_import_form_needs_the_csrf_token(web, centre_admin):
    browser = web(centre_admin)
    response = browser.post(
        reverse("partner_import"), {**upload(GOOD, "p.csv"), "csrfmiddlewaretoken": "forged"}
    )
    assert response.status_code == 403
    assert snapshot() == (0, 0)
