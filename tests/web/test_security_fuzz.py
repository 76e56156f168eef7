"""API fuzzing: schemathesis generates requests from /api/openapi.json against a live server, as the
office and as the lead unit's liaison, on a real task; no request may get a 5xx answer."""

from __future__ import annotations

import zlib

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from luoshi.accounts.models import ApiToken  # noqa: E402
from tests.web.security_world import build_world  # noqa: E402

pytestmark = pytest.mark.slow
EXAMPLES = 30


@pytest.fixture
def world(transactional_db, tracked_task, liaison, co_liaison, outsider, supervisor, leader, media_root):
    return build_world(tracked_task, liaison, co_liaison, supervisor, leader)


@pytest.mark.parametrize("role", ["supervisor", "liaison"])
def test_no_generated_api_request_gets_a_server_error(request, role, world, live_server):
    token = ApiToken.issue(request.getfixturevalue(role))
    real = {
        "task_id": world.task.pk,
        "report_id": world.progress.pk,
        "extension_id": world.extension.pk,
        "closing_id": world.closing.pk,
    }
    schema = schemathesis.from_uri(f"{live_server.url}/api/openapi.json", force_schema_version="30")
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def check(case):
            if case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
                # half of the cases aim at the real task, so the bodies reach the actions
                case.path_parameters = {k: real.get(k, v) for k, v in case.path_parameters.items()}
            response = case.call(base_url=live_server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if response.status_code >= 500:
                failures.append(
                    (case.method, case.formatted_path, case.body, response.status_code, response.text[:300])
                )

        check()
    assert operations >= 12
    assert failures == [], failures[:5]
