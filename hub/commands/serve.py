"""`cardmunk-hub serve`: run the HTTP API until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from aiohttp import web

from hub.api.middleware import IN_FLIGHT, AccessLogger
from hub.app import create_app
from hub.settings import Settings, SettingsError

logger = logging.getLogger(__name__)


class ListenError(Exception):
    """The HTTP port cannot be opened; the message names the address and the fix."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        asyncio.run(serve(settings))
    except ListenError as exc:
        logger.error("%s", exc)
        return 1
    except SettingsError as exc:
        # A feature found its settings unusable while the app was built (e.g. the Telegram bot).
        logger.error("%s", exc)
        return 2
    return 0


async def serve(settings: Settings) -> None:
    """Serve until a stop signal; then finish in-flight requests and close the database."""
    app = create_app(settings)
    runner = web.AppRunner(app, access_log_class=AccessLogger, handle_signals=False,
                           shutdown_timeout=settings.server.shutdown_timeout_seconds)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.server.host, settings.server.port)
        try:
            await site.start()
        except OSError as exc:
            raise ListenError(
                f"cannot listen on {settings.server.host}:{settings.server.port}: {exc.strerror or exc}; "
                "is another hub running? Choose another port with --port or server.port"
            ) from exc
        for address in runner.addresses:
            host, port = address[0], address[1]
            logger.info("listening on http://%s:%d", f"[{host}]" if ":" in host else host, port)

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await _drain(runner, app, settings.server.shutdown_timeout_seconds)
    finally:
        await runner.cleanup()
        logger.info("stopped")


async def _drain(runner: web.AppRunner, app: web.Application, timeout: float) -> None:
    """Stop accepting connections, then let the requests in flight finish (up to `timeout`)."""
    tracker = app[IN_FLIGHT]
    logger.info("stopping: finishing %d in-flight requests", tracker.count)
    for site in list(runner.sites):
        await site.stop()
    try:
        await asyncio.wait_for(tracker.wait_idle(), timeout)
    except asyncio.TimeoutError:
        logger.warning("%d requests still running after %.0fs; cancelling them", tracker.count, timeout)
