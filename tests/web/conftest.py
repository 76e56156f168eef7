"""Django fixtures and the shared personas of the web tests.

Personas: ``supervisor`` (督查室 of 海西州), ``liaison`` (州教育局, the lead unit of the education
tasks), ``co_liaison`` (州财政局, the education task's co-unit), ``outsider`` (州交通运输局's liaison,
who must never see education tasks) and ``leader``.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest

from luoshi import webcli

DATA = Path(webcli.__file__).resolve().parent / "data"
SAMPLE_TEXT = (DATA / "haixi-2023-report-part2.txt").read_text(encoding="utf-8")
PASSWORD = "pass-for-tests-1"


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Every test client is 127.0.0.1: the per-address rate limits are off here (test_csp_rates sets them)."""
    settings.LUOSHI_API_RATE = settings.LUOSHI_PUBLIC_RATE = ""


@pytest.fixture
def government(db):
    from luoshi.accounts import actions
    from luoshi.accounts.models import Government
    from luoshi.text import load_units

    gov = Government.objects.create(name="海西州")
    actions.import_units(gov, None, load_units(DATA / "haixi-units.csv"))
    return gov


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per session: the real hasher takes about 0.4 s, and most tests make several
    personas. Logging in with PASSWORD still checks against a real hash."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def _user(government, username, role, unit_label=None, family="", given=""):
    from luoshi.accounts.models import Unit, User

    unit = Unit.objects.get(government=government, short_name=unit_label) if unit_label else None
    user = User(username=username, role=role, unit=unit, government=government, last_name=family, first_name=given)
    user.password = _password_hash()
    user.save()
    return user


@pytest.fixture
def supervisor(government):
    return _user(government, "ducha", "supervisor", "州政府办", "督查", "员")


@pytest.fixture
def liaison(government):
    return _user(government, "jiaoyu", "liaison", "州教育局", "教育", "联络员")


@pytest.fixture
def co_liaison(government):
    return _user(government, "caizheng", "liaison", "州财政局", "财政", "联络员")


@pytest.fixture
def outsider(government):
    return _user(government, "jiaotong", "liaison", "州交通运输局", "交通", "联络员")


@pytest.fixture
def leader(government):
    return _user(government, "lingdao", "leader", None, "李", "副州长")


@pytest.fixture
def media_root(settings, tmp_path):
    """Evidence files of a test go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client_for(client):
    """``client_for(user)`` logs the test client in as that persona."""

    def login(user):
        client.force_login(user)
        return client

    return login


# Most tests import the sample, and decomposing it gives the same draft tasks for the same inputs, so
# the session keeps each result. The key is everything decompose_for reads (engine_inputs: the
# catalog and learned overrides), so a test that changes either still decomposes afresh.
_DECOMPOSED: dict = {}


def decompose_once(government, text: str, year: int):
    """``decompose_for``, remembered per session; each caller gets its own copy of the draft tasks."""
    from luoshi.tasks.decomposing import decompose_for, engine_inputs

    catalog, overrides = engine_inputs(government)
    key = (text, year, catalog, frozenset(overrides.items()))
    if key not in _DECOMPOSED:
        _DECOMPOSED[key] = decompose_for(government, text, year)
    document, drafts = _DECOMPOSED[key]  # the document is frozen; draft tasks are not
    return document, copy.deepcopy(drafts)


def import_sample(government, actor, text: str = SAMPLE_TEXT, year: int = 2023):
    from luoshi.tasks import actions
    from luoshi.tasks.decomposing import report_title

    document, drafts = decompose_once(government, text, year)
    return actions.import_report(
        government,
        actor,
        text=document.text,
        drafts=drafts,
        year=year,
        title=report_title(document, government, year),
        filename="sample.txt",
    )


@pytest.fixture
def report(government, supervisor):
    """The sample report imported as drafts."""
    return import_sample(government, supervisor)


def publish_to_education(task, supervisor, leader, **changes):
    """Give ``task`` to 州教育局 with 州财政局 as co-unit and ``leader``, and publish it (交办)."""
    from luoshi.accounts.models import Unit
    from luoshi.tasks import actions

    units = Unit.objects.filter(government=task.report.government)
    actions.update_task(
        task.pk,
        supervisor,
        task.version,
        {
            "lead_unit": units.get(short_name="州教育局"),
            "co_units": [units.get(short_name="州财政局")],
            "leader": leader,
            **changes,
        },
    )
    actions.publish(task.report, supervisor, [task.pk])
    task.refresh_from_db()
    return task


@pytest.fixture
def education_task(report, supervisor, leader):
    """A published task led by 州教育局 with 州财政局 as co-unit and a leader."""
    return publish_to_education(report.tasks.filter(kind="task", text__contains="学前教育").first(), supervisor, leader)


@pytest.fixture
def draft_task(report):
    return report.tasks.filter(kind="task").order_by("position").first()


TRACKED_YEAR = 2026


@pytest.fixture
def tracked_task(government, supervisor, leader):
    """The education task of a 2026 ledger, published on 2026-01-05 09:00 (Beijing time): monthly reports
    due on the 25th, deadline 2026-12-31, 州财政局 as co-unit, 李副州长 as leader."""
    import datetime
    import zoneinfo

    import time_machine

    published = datetime.datetime(TRACKED_YEAR, 1, 5, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(published, tick=False):
        report = import_sample(government, supervisor, year=TRACKED_YEAR)
        task = report.tasks.filter(kind="task", text__contains="学前教育").first()
        return publish_to_education(task, supervisor, leader, cycle="monthly", due_day=25)
