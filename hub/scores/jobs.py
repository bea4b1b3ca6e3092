"""The scheduled score jobs: APScheduler 3 `AsyncIOScheduler` in the hub's event loop.

Two interval jobs: `scores-refresh` (re-anchors future-dated units) and
`scores-recompute` (full recompute, repairs drift). Each runs at most one instance at a
time, late runs are coalesced into one, and a run later than its grace time is skipped.
Every job stores its last run time in `score_state`; at start a job that is overdue (or,
for the recompute, whose scoring settings changed) runs before the hub serves requests.

A failing job is logged with its id and the scheduler goes on. `stop` waits for a job in
progress to finish before the scheduler shuts down, so it completes before the database
closes (APScheduler's own shutdown cancels running coroutine jobs instead).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from hub.scores.service import ScoreService

logger = logging.getLogger(__name__)

REFRESH_JOB = "scores-refresh"
RECOMPUTE_JOB = "scores-recompute"

JobFunction = Callable[[], Awaitable[object]]


class ScoreJobs:
    def __init__(self, service: ScoreService) -> None:
        self.service = service
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self.scheduler.add_listener(self._on_job_error, EVENT_JOB_ERROR)
        self.failures: Counter[str] = Counter()
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        scores = service.settings.scores
        self.intervals = {
            REFRESH_JOB: scores.refresh_interval_minutes * 60,
            RECOMPUTE_JOB: scores.recompute_interval_hours * 3600,
        }
        self.functions: dict[str, JobFunction] = {
            REFRESH_JOB: lambda: service.refresh(REFRESH_JOB),
            RECOMPUTE_JOB: lambda: service.recompute(RECOMPUTE_JOB),
        }

    @property
    def running_jobs(self) -> int:
        return self._running

    async def start(self) -> None:
        """Run overdue jobs now, then schedule each at its last run plus its interval."""
        if self.scheduler.running:
            return
        if await self.service.model_changed():
            logger.info("scoring settings changed or scores never computed: recomputing before serving")
            await self.run_now(RECOMPUTE_JOB)

        for job_id, interval in self.intervals.items():
            last = await self.service.last_run(job_id)
            now = self.service.now()
            if last is None or now - last >= interval:
                await self.run_now(job_id)
                last = self.service.now()
            first_run = datetime.now(timezone.utc) + timedelta(seconds=max(0.0, last + interval - now))
            self.scheduler.add_job(
                self.guarded(job_id), IntervalTrigger(seconds=interval, timezone=timezone.utc),
                id=job_id, name=job_id, next_run_time=first_run, max_instances=1, coalesce=True,
                # A run may start up to one interval late (the event loop was busy, the
                # machine slept); later than that it is skipped and the next one counts.
                misfire_grace_time=max(1, int(interval)), replace_existing=True,
            )
        self.scheduler.start()
        logger.info("score jobs scheduled: refresh every %.0f s, recompute every %.0f s",
                    self.intervals[REFRESH_JOB], self.intervals[RECOMPUTE_JOB])

    async def stop(self) -> None:
        """Stop scheduling, wait for a job in progress, then shut the scheduler down."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        if self._running:
            logger.info("waiting for %d running score job(s) to finish", self._running)
        await self._idle.wait()
        self.scheduler.shutdown(wait=False)
        # AsyncIOScheduler shuts down in a callback on the event loop: let it run.
        await asyncio.sleep(0)
        logger.info("score jobs stopped")

    async def run_now(self, job_id: str) -> None:
        """Run a job outside the schedule, with the same error handling."""
        await self.guarded(job_id)()

    def guarded(self, job_id: str) -> Callable[[], Awaitable[None]]:
        """Wrap a job: count it as running, and log a failure with the job id instead of raising."""
        async def run() -> None:
            self._running += 1
            self._idle.clear()
            try:
                await self.functions[job_id]()
            except Exception:
                self.failures[job_id] += 1
                logger.exception("score job %s failed; it runs again at its next time", job_id)
            finally:
                self._running -= 1
                if self._running == 0:
                    self._idle.set()

        return run

    def _on_job_error(self, event: JobExecutionEvent) -> None:
        # Reached only by an error that escaped the wrapper (or a job added unwrapped).
        self.failures[event.job_id] += 1
        logger.error("scheduled job %s failed", event.job_id, exc_info=event.exception)
