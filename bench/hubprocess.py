"""Run a real `cardmunk-hub serve` as a child process on 127.0.0.1, for benchmarks and tests.

The hub is started on a port it picks itself (port 0); the port is read from its
"listening on" log line. Its stderr is drained by a thread into a list, so a chatty hub
never blocks on a full pipe and a test can read the log afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

_LISTENING = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")
STARTUP_TIMEOUT_SECONDS = 60


class HubProcessError(RuntimeError):
    """The hub did not start, or exited with an error."""


def hub_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "hub.cli", *args]


def write_config(path: Path, database: Path, *, port: int = 0, log_level: str = "INFO",
                 extra: str = "") -> Path:
    path.write_text(
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n\n'
        f'[database]\npath = "{database}"\n\n'
        f'[logging]\nlevel = "{log_level}"\n\n{extra}',
        encoding="utf-8",
    )
    return path


def create_token(config: Path, scope: str, name: str) -> str:
    """Create an API token through the CLI and return it (the last line of its output)."""
    result = subprocess.run(hub_command("token", "create", "--config", str(config), "--scope", scope,
                                        "--name", name),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HubProcessError(f"token create failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


class HubProcess:
    """One `cardmunk-hub serve` child; start() may be called again after kill() or stop()."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.port = 0
        self.log_lines: list[str] = []
        self._process: subprocess.Popen[str] | None = None
        self._drainer: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise HubProcessError("the hub is not running")
        return self._process.pid

    def start(self) -> None:
        """Start the hub and wait until it listens; raise HubProcessError if it exits first."""
        listening = threading.Event()
        process = subprocess.Popen(
            hub_command("serve", "--config", str(self.config)),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._process = process
        self._drainer = threading.Thread(target=self._drain, args=(process, listening), daemon=True)
        self._drainer.start()
        if not listening.wait(STARTUP_TIMEOUT_SECONDS) or self.port == 0:
            process.kill()
            process.wait()
            tail = "".join(self.log_lines[-20:])
            raise HubProcessError(f"hub did not start within {STARTUP_TIMEOUT_SECONDS}s; log:\n{tail}")

    def _drain(self, process: subprocess.Popen[str], listening: threading.Event) -> None:
        assert process.stderr is not None
        for line in process.stderr:
            self.log_lines.append(line)
            match = _LISTENING.search(line)
            if match and not listening.is_set():
                self.port = int(match.group(1))
                listening.set()
        # The hub exited: wake a start() still waiting, which then reports the failure.
        listening.set()

    def peak_rss_kib(self) -> int:
        """Peak resident set size of the running hub (VmHWM from /proc), in KiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match is None:
            raise HubProcessError("VmHWM not found in /proc status")
        return int(match.group(1))

    def kill(self) -> None:
        """SIGKILL the hub: no shutdown code runs, as in a crash."""
        self._end(signal.SIGKILL)

    def stop(self) -> int:
        """SIGTERM the hub and wait for its clean shutdown; return its exit status."""
        return self._end(signal.SIGTERM)

    def _end(self, signum: int) -> int:
        if self._process is None:
            return 0
        process, self._process = self._process, None
        process.send_signal(signum)
        status = process.wait(timeout=120)
        if self._drainer is not None:
            self._drainer.join(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
        return status

    def log_text(self) -> str:
        return "".join(self.log_lines)
