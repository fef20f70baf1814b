"""benchmark: every hot path against its floor, in the JSON, and nothing left changed."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.models import AccessLog
from reminders.models import Reminder
from reports.models import Release

PATHS = {
    "stack", "caseload", "client_file", "permission_check", "journey", "dashboard_cold",
    "dashboard_warm", "desk", "sweep",
}  # fmt: skip
TIMING = {"median_ms", "min_ms", "max_ms", "q1_ms", "q3_ms", "queries", "samples_ms"}

pytestmark = pytest.mark.django_db(transaction=True)


def bench(tmp_path, repeat: int = 2) -> tuple[dict, str]:
    target = tmp_path / "bench.json"
    out = StringIO()
    call_command(
        "benchmark", json=target, repeat=repeat, sweep_size=50, stdout=out, stderr=StringIO()
    )
    return json.loads(target.read_text()), out.getvalue()


def _state() -> tuple:
    return (
        AccessLog.objects.count(),
        Release.objects.count(),
        sorted(Reminder.objects.values_list("pk", "status", "attempts")),
        Reminder.history.count(),
    )


def test_the_json_has_every_path_with_its_floor_medians_query_counts_and_ratio(generated, tmp_path):
    report, printed = bench(tmp_path)
    assert set(report["paths"]) == PATHS
    for name, found in report["paths"].items():
        for side in ("view", "floor"):
            assert set(found[side]) == TIMING, name
            assert len(found[side]["samples_ms"]) == 2
            assert found[side]["min_ms"] <= found[side]["median_ms"] <= found[side]["max_ms"]
            assert found[side]["queries"] >= 1, (name, side)
        assert found["ratio"] > 0, name
        assert name in printed
    stack = report["paths"]["stack"]["view"]["median_ms"]
    for name in ("caseload", "client_file", "journey", "dashboard_warm", "desk"):
        found = report["paths"][name]
        assert found["beyond_stack_ms"] == pytest.approx(
            max(found["view"]["median_ms"] - stack, 0), abs=1e-3
        )
        assert found["beyond_stack_ratio"] == pytest.approx(
            found["beyond_stack_ms"] / found["floor"]["median_ms"], abs=0.06
        )
    assert "beyond_stack_ms" not in report["paths"]["sweep"]
    assert report["machine"]["cores"] >= 1 and report["machine"]["postgresql"]
    assert report["machine"]["autovacuum"] in ("on", "off")
    assert report["sizes"]["clients_case"] == 100
    assert report["sizes"]["counselling_session"] == 400


def test_the_sweep_claims_each_row_exactly_once(generated, tmp_path):
    report, _printed = bench(tmp_path, repeat=1)
    sweep = report["paths"]["sweep"]
    assert sweep["claimed"] == 50 and sweep["claimed_once"] is True


def test_it_leaves_the_database_as_it_found_it(generated, tmp_path):
    before = _state()
    bench(tmp_path, repeat=1)
    assert _state() == before


def test_it_says_what_is_missing_on_an_empty_database(postgresql, tmp_path):
    with pytest.raises(CommandError, match="generate_load first"):
        bench(tmp_path)
