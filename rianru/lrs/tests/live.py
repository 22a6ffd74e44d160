"""A Rianru LRS served by `rianru serve` in a subprocess, on a database of its own, for tests that need a
real second server (forwarding) or must kill one (durability)."""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Target:
    """A second Rianru LRS in a subprocess, with a city, a partner and a credential of its own."""

    def __init__(self, root: Path, database_url: str = ""):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/xapi/"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": database_url or f"sqlite:///{root}/target.sqlite3",
            "RIANRU_DATA_DIR": str(root),
            "RIANRU_STATIC_ROOT": str(root / "static"),
            "RIANRU_SEARCH_INDEX_DIR": str(root / "search-index"),
            "RIANRU_SEARCH_INDEXER": "off",
            "RIANRU_LRS_FORWARDER": "off",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        self.env.pop("RIANRU_TEST_DATABASE_URL", None)
        self.process = None
        self.run("migrate", "--noinput", "-v0")
        self.run("collectstatic", "--noinput", "-v0")
        self.run(
            "shell",
            "-c",
            "from rianru.network.tests.factories import PartnerFactory; PartnerFactory(slug='hub', city__slug='hub-city')",
        )
        created = json.loads(
            self.run(
                "lrs",
                "credential",
                "create",
                "--city",
                "hub-city",
                "--partner",
                "hub",
                "--scope",
                "all",
                "--json",
            )
        )
        self.key, self.secret = created["key"], created["secret"]

    def run(self, *command: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own command
            [str(BIN / "rianru"), *command],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def start(self) -> None:
        if self.process is not None:
            return
        log = (self.root / "server.log").open("w")
        # A session of its own: `kill_hard` reaches the master and its workers at once.
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "rianru"), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
            env=self.env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "about", timeout=2):  # noqa: S310 - loopback test server
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    pytest.fail(f"the target LRS did not start:\n{(self.root / 'server.log').read_text()}")
                time.sleep(0.3)

    def kill_hard(self) -> None:
        """SIGKILL to the server's whole process group (master and workers), as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def statements(self, version: str = "2.0.0") -> list[dict]:
        """Every statement the target holds (following `more`)."""
        found, url = [], self.url + "statements?limit=500"
        auth = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        while url:
            request = urllib.request.Request(  # noqa: S310
                url, headers={"Authorization": f"Basic {auth}", "X-Experience-API-Version": version}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                page = json.load(response)
            found += page["statements"]
            url = f"http://127.0.0.1:{self.port}{page['more']}" if page.get("more") else ""
        return found
