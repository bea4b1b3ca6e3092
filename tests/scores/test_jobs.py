"""The score jobs on a real APScheduler in the test's event loop, with a controllable clock.

Runs are triggered by moving a job's next run time to now and waking the scheduler; the
tests wait on events the jobs set, never on wall-clock time.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import AsyncIterator

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, JobEvent

from hub.scores.app_setup import SCORE_JOBS
from hub.scores.jobs import RECOMPUTE_JOB, REFRESH_JOB, ScoreJobs
from hub.scores.service import ScoreService
from hub.storage.database import Database
from tests.hub.conftest import HubFactory, make_settings

T0 = 1_718_452_800  # 2024-06-15T12:00:00Z
WAIT_SECONDS = 10  # upper bound on waiting for an event a job sets; normally a few ms


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(make_settings(tmp_path).database)
    await database.open()
    yield database
    await database.close()


def make_jobs(database: Database, tmp_path: Path, clock: Clock) -> ScoreJobs:
    return ScoreJobs(ScoreService(database, make_settings(tmp_path), clock))


def trigger(jobs: ScoreJobs, job_id: str) -> None:
    """Make the job due now and let the scheduler look at its jobs."""
    jobs.scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))
    jobs.scheduler.wakeup()


async def wait_for(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), WAIT_SECONDS)


def counting(jobs: ScoreJobs, job_id: str, calls: list[str]) -> None:
    original = jobs.functions[job_id]

    async def run() -> object:
        calls.append(job_id)
        return await original()

    jobs.functions[job_id] = run


async def test_failing_job_logged_and_scheduler_goes_on(database: Database, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    jobs = make_jobs(database, tmp_path, Clock(T0))
    await jobs.start()
    attempts: list[int] = []
    first_run_over, second_run_done = asyncio.Event(), asyncio.Event()

    async def flaky() -> None:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            raise RuntimeError("disk on fire")
        second_run_done.set()

    def on_executed(event: JobEvent) -> None:
        if event.job_id == REFRESH_JOB:
            first_run_over.set()

    jobs.functions[REFRESH_JOB] = flaky
    jobs.scheduler.add_listener(on_executed, EVENT_JOB_EXECUTED)
    try:
        with caplog.at_level(logging.ERROR, logger="hub.scores.jobs"):
            trigger(jobs, REFRESH_JOB)
            await wait_for(first_run_over)
            trigger(jobs, REFRESH_JOB)
            await wait_for(second_run_done)
            running = jobs.scheduler.running
    finally:
        await jobs.stop()

    failures = [r for r in caplog.records if "scores-refresh" in r.getMessage()]
    assert running
    assert attempts == [1, 2]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert "disk on fire" in str(failures[0].exc_info[1])
    assert jobs.failures[REFRESH_JOB] == 1


async def test_listener_logs_error_escaping_wrapper(database: Database, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    jobs = make_jobs(database, tmp_path, Clock(T0))
    await jobs.start()

    async def unwrapped() -> None:
        raise ValueError("not wrapped")

    try:
        with caplog.at_level(logging.ERROR, logger="hub.scores.jobs"):
            jobs.scheduler.add_job(unwrapped, id="raw-job", next_run_time=datetime.now(timezone.utc))
            jobs.scheduler.wakeup()
            # The listener runs in the executor's done callback: a few loop turns at most.
            for _ in range(1000):
                if jobs.failures["raw-job"]:
                    break
                await asyncio.sleep(0)
    finally:
        await jobs.stop()

    assert jobs.failures["raw-job"] == 1
    assert any(r.getMessage() == "scheduled job raw-job failed" for r in caplog.records)


async def test_overlapping_runs_prevented(database: Database, tmp_path: Path) -> None:
    jobs = make_jobs(database, tmp_path, Clock(T0))
    await jobs.start()
    started, release, skipped = asyncio.Event(), asyncio.Event(), asyncio.Event()
    concurrent = {"now": 0, "max": 0, "runs": 0}

    async def slow() -> None:
        concurrent["now"] += 1
        concurrent["runs"] += 1
        concurrent["max"] = max(concurrent["max"], concurrent["now"])
        started.set()
        await release.wait()
        concurrent["now"] -= 1

    def on_max_instances(event: JobEvent) -> None:
        if event.job_id == RECOMPUTE_JOB:
            skipped.set()

    jobs.functions[RECOMPUTE_JOB] = slow
    jobs.scheduler.add_listener(on_max_instances, EVENT_JOB_MAX_INSTANCES)
    job = jobs.scheduler.get_job(RECOMPUTE_JOB)
    try:
        trigger(jobs, RECOMPUTE_JOB)
        await wait_for(started)
        trigger(jobs, RECOMPUTE_JOB)
        await wait_for(skipped)
    finally:
        release.set()
        await jobs.stop()

    assert (job.max_instances, job.coalesce) == (1, True)
    assert job.misfire_grace_time == 24 * 3600
    assert concurrent == {"now": 0, "max": 1, "runs": 1}


async def test_catch_up_after_restart(database: Database, tmp_path: Path) -> None:
    clock = Clock(T0)
    first = make_jobs(database, tmp_path, clock)
    calls: list[str] = []
    await first.start()
    await first.stop()

    clock.now = T0 + 2 * 3600  # refresh (hourly) overdue, recompute (daily) not
    second = make_jobs(database, tmp_path, clock)
    counting(second, REFRESH_JOB, calls)
    counting(second, RECOMPUTE_JOB, calls)
    await second.start()
    refresh_next = second.scheduler.get_job(REFRESH_JOB).next_run_time
    recompute_next = second.scheduler.get_job(RECOMPUTE_JOB).next_run_time
    await second.stop()

    clock.now = T0 + 25 * 3600  # both overdue
    third = make_jobs(database, tmp_path, clock)
    counting(third, REFRESH_JOB, calls)
    counting(third, RECOMPUTE_JOB, calls)
    await third.start()
    await third.stop()

    service = third.service
    assert calls == [REFRESH_JOB, REFRESH_JOB, RECOMPUTE_JOB]
    assert await service.last_run(REFRESH_JOB) == T0 + 25 * 3600
    assert await service.last_run(RECOMPUTE_JOB) == T0 + 25 * 3600
    wall = datetime.now(timezone.utc)
    # The recompute is next due 22 hours on (T0 + 24 h), the refresh one interval after its catch-up.
    assert abs((recompute_next - wall).total_seconds() - 22 * 3600) < 60
    assert abs((refresh_next - wall).total_seconds() - 3600) < 60


async def test_changed_settings_recompute_at_start(database: Database, tmp_path: Path) -> None:
    clock = Clock(T0)
    await _started_and_stopped(make_jobs(database, tmp_path, clock))
    calls: list[str] = []

    settings = make_settings(tmp_path, scores={"half_life_days": 30.0})
    changed = ScoreJobs(ScoreService(database, settings, clock))
    counting(changed, RECOMPUTE_JOB, calls)
    await _started_and_stopped(changed)

    assert calls == [RECOMPUTE_JOB]
    assert not await changed.service.model_changed()


async def test_shutdown_waits_for_running_job(database: Database, tmp_path: Path) -> None:
    jobs = make_jobs(database, tmp_path, Clock(T0))
    await jobs.start()
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def long_refresh() -> None:
        started.set()
        await release.wait()
        await jobs.service.refresh(REFRESH_JOB)
        finished.append("refresh")

    jobs.functions[REFRESH_JOB] = long_refresh
    trigger(jobs, REFRESH_JOB)
    await wait_for(started)
    stopping = asyncio.create_task(jobs.stop())
    for _ in range(100):
        await asyncio.sleep(0)
    still_waiting = not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, WAIT_SECONDS)

    assert still_waiting
    assert finished == ["refresh"]
    assert not jobs.scheduler.running


async def test_jobs_start_and_stop_with_app(hub_factory: HubFactory) -> None:
    hub = await hub_factory()
    jobs = hub.client.app[SCORE_JOBS]
    scheduled = {job.id for job in jobs.scheduler.get_jobs()}
    running = jobs.scheduler.running

    await hub.client.close()

    assert running
    assert scheduled == {REFRESH_JOB, RECOMPUTE_JOB}
    assert not jobs.scheduler.running


async def _started_and_stopped(jobs: ScoreJobs) -> None:
    await jobs.start()
    await jobs.stop()

