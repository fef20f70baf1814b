"""Fixtures: the personas of every permission test, and real services that never skip in CI."""

from __future__ import annotations

import logging
import os
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client as DjangoClient

from casework.models import Network, Role
from clients import services

from .factories import CentreFactory, UserFactory, counsellor, make_case

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str) -> None:
    """A test needing PostgreSQL, Redis or Chromium fails in CI when it is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available on this machine")


# --- The clock --------------------------------------------------------------------------------
# CASEWORK_TEST_DATE=2027-01-01 runs the whole suite on that day: the clock of this process is
# set to 10:00 there (Brussels time) and ticks on from it, so that a bug that shows only on a
# year's or a month's first or last day shows in CI and not on a user's machine. Subprocesses
# (gunicorn, nginx, pg_dump) keep the real clock, and so does the browser, which is why the date
# must not lie before today: a cookie set "eight hours from now" would already have expired.
TEST_DATE = os.environ.get("CASEWORK_TEST_DATE", "").strip()
_traveller: time_machine.travel | None = None


def moment_on(text: str) -> datetime:
    """10:00 in the project's time zone on the day ``text`` (YYYY-MM-DD) names."""
    day = date.fromisoformat(text)
    return datetime.combine(day, time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))


def pytest_configure(config):
    # Set before collection, so that whatever a test module computes at import sees the day too.
    global _traveller
    if TEST_DATE:
        _traveller = time_machine.travel(moment_on(TEST_DATE), tick=True)
        _traveller.start()


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


def pytest_report_header(config):
    return f"clock: {TEST_DATE} 10:00 Europe/Brussels (CASEWORK_TEST_DATE)" if TEST_DATE else None


# --- Personal data must never reach a log -------------------------------------------------
# Tests plant these in client files and notes; the whole run's log records are searched.
CANARIES = ("Zorblaxia", "Quetzalwyrm")


class CanaryHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.hits: list[str] = []
        self.pattern = re.compile("|".join(CANARIES))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += repr(record.exc_info[1])
        if self.pattern.search(text):
            self.hits.append(f"{record.name}: {text[:200]}")


CANARY_HANDLER = CanaryHandler()


@pytest.fixture(scope="session", autouse=True)
def _watch_logs_for_personal_data():
    root = logging.getLogger()
    root.addHandler(CANARY_HANDLER)
    previous = root.level
    root.setLevel(logging.DEBUG)
    logging.getLogger("factory").setLevel(logging.INFO)
    yield
    root.setLevel(previous)
    root.removeHandler(CANARY_HANDLER)


@pytest.fixture(autouse=True)
def _no_personal_data_in_the_logs():
    """Each test fails, by name, when a planted name reached a log while it ran: this holds in
    every process of a parallel run (pytest-xdist), where the whole-run check below, made in
    each worker, does not reach the run's exit status."""
    before = len(CANARY_HANDLER.hits)
    yield
    leaked = CANARY_HANDLER.hits[before:]
    if leaked:
        pytest.fail("Personal data reached the logs:\n  " + "\n  ".join(leaked[:10]))


def pytest_sessionfinish(session, exitstatus):
    if CANARY_HANDLER.hits:
        print("\nPersonal data reached the logs:\n  " + "\n  ".join(CANARY_HANDLER.hits[:10]))
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _postgresql_in_ci(django_db_blocker):
    """CI proves the suite on PostgreSQL: running it on SQLite there is a failure, not a pass."""
    from django.db import connection

    if IN_CI and connection.vendor != "postgresql":
        pytest.fail("CI must run the suite on PostgreSQL: set DATABASE_URL")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is not under test; a slow hasher would make every fixture slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Personas --------------------------------------------------------------------------------
@pytest.fixture
def network(db):
    return Network.objects.create(name="Brussels network")


@pytest.fixture
def other_network(db):
    return Network.objects.create(name="Walloon network")


@pytest.fixture
def centre(network):
    return CentreFactory(code="FOY", name="Foyer", network=network)


@pytest.fixture
def other_centre(other_network):
    """A centre of another network: it shares neither cases nor the partner directory."""
    return CentreFactory(code="GNT", name="Ghent", network=other_network)


@pytest.fixture
def holder(centre):
    """The counsellor the case is assigned to."""
    return counsellor(centre, username="holder")


@pytest.fixture
def reader(centre):
    """A colleague the case is shared with, read-only."""
    return counsellor(centre, username="reader")


@pytest.fixture
def editor(centre):
    """A colleague the case is shared with, read and edit."""
    return counsellor(centre, username="editor")


@pytest.fixture
def outsider(centre):
    """A counsellor of the same centre with no access to the case."""
    return counsellor(centre, username="outsider")


@pytest.fixture
def foreigner(other_centre):
    """A counsellor of another centre."""
    return counsellor(other_centre, username="foreigner")


@pytest.fixture
def coordinator(centre):
    return UserFactory(centre=centre, username="coordinator", roles=[Role.COORDINATOR])


@pytest.fixture
def icam_coach(db):
    return UserFactory(centre=None, username="coach", roles=[Role.ICAM_COACH])


@pytest.fixture
def centre_admin(centre):
    return UserFactory(centre=centre, username="centreadmin", roles=[Role.CENTRE_ADMIN])


@pytest.fixture
def superuser(centre):
    return UserFactory(
        centre=centre, username="root", is_superuser=True, is_staff=True, roles=[Role.CENTRE_ADMIN]
    )


@pytest.fixture
def case(holder, reader, editor):
    """A case held by ``holder``, shared read-only with ``reader`` and to edit with ``editor``."""
    case = make_case(holder, first_name="Amal", country_of_origin="MA", languages=["ar"])
    services.case_share(actor=holder, case=case, colleague=reader, level="view")
    services.case_share(actor=holder, case=case, colleague=editor, level="change")
    return case


@pytest.fixture
def session(case, holder):
    """A counselling session on ``case``."""
    from sessions import services as counselling

    return counselling.session_record(
        actor=holder,
        case=case,
        data={"duration_minutes": 45, "why_came": "Work", "future": "Training as a cook"},
    )


@pytest.fixture
def goal(case, holder, session):
    """A goal on ``case``, discussed in ``session``."""
    from sessions import services as counselling

    return counselling.goal_set(
        actor=holder,
        case=case,
        data={"category": "training", "description": "Become a cook"},
        sessions=[session],
    )


class Browser(DjangoClient):
    """A test client that enforces CSRF like a browser and sends the token it was given."""

    def __init__(self, **kwargs):
        super().__init__(enforce_csrf_checks=True, **kwargs)

    def post(self, path, data=None, **kwargs):
        if "csrftoken" not in self.cookies:
            # What a browser holds after any page with a form: the CSRF cookie.
            self.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
        data = dict(data or {})
        data.setdefault("csrfmiddlewaretoken", self.cookies["csrftoken"].value)
        return super().post(path, data, **kwargs)


@pytest.fixture
def web():
    """Return a function giving a CSRF-enforcing client signed in as ``user`` (or anonymous)."""

    def signed_in(user=None) -> Browser:
        browser = Browser()
        if user is not None:
            browser.force_login(user)
        return browser

    return signed_in
