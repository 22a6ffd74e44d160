"""`rianru serve` in a child process, started and waited for: one helper for the tests and the benchmarks.

The browser tests, the CLI test, the LRS's forwarding and durability tests and the benchmarks all need a
real server on a free loopback port, ready before they send their first request, and stopped (or killed,
as a power cut would) afterwards. It imports nothing of Django, so benchmark scripts can use it before
they set Django up.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not answer its probe in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rianru_command() -> str:
    """The `rianru` script beside the running Python (the project's virtual environment)."""
    return str(Path(sys.executable).parent / "rianru")


class RunningServer:
    """`rianru serve` on 127.0.0.1 in a process group of its own, its output in `log`.

    `start()` returns once `probe` answers with a status below 500 (or raises ServerDidNotStart with the
    log's tail); `stop()` sends SIGTERM (or another signal) and waits; `kill()` sends SIGKILL to the master
    and its workers at once. Also a context manager that starts and stops it."""

    def __init__(
        self,
        *,
        log: Path,
        env: dict[str, str] | None = None,
        port: int | None = None,
        args: Sequence[str] = (),
        probe: str = "/xapi/about",
        cwd: Path | None = None,
        rianru: str | None = None,
        timeout: float = 60,
    ):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log, self.env, self.args, self.probe = log, env, list(args), probe
        self.cwd, self.rianru, self.timeout = cwd, rianru or rianru_command(), timeout
        self.process: subprocess.Popen | None = None

    def start(self) -> "RunningServer":
        if self.process is not None:
            return self
        command = [self.rianru, "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args]
        with self.log.open("w") as log:  # the server keeps its own copy of the file
            self.process = subprocess.Popen(  # noqa: S603 - our own command
                command,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.timeout
        while True:
            if self.answers():
                return self
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise ServerDidNotStart(f"rianru serve did not start:\n{self.log_tail()}")
            time.sleep(0.25)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + self.probe, timeout=2):  # noqa: S310 - our loopback server
                return True
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except OSError:
            return False

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        """Send `sig` to the master (gunicorn stops its workers) and wait; SIGKILL if it does not stop."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                return process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        return process.wait()

    def kill(self) -> None:
        """SIGKILL to the server's whole process group (master and workers), as a power cut would."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def __enter__(self) -> "RunningServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
