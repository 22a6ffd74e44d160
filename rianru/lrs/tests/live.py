"""A Rianru LRS served by `rianru serve` in a subprocess, on a database of its own, for tests that need a
real second server (forwarding) or must kill one (durability)."""

import base64
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from rianru.core.serving import RunningServer, ServerDidNotStart, free_port

BIN = Path(sys.executable).parent


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
        self.server: RunningServer | None = None
        self.run("migrate", "--noinput", "-v0")
        self.run("collectstatic", "--noinput", "-v0")
        self.run(
            "shell",
            "-c",
            "from rianru.network.tests.factories import PartnerFactory; "
            "PartnerFactory(slug='hub', city__slug='hub-city')",
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
        if self.server is None:
            server = RunningServer(
                env=self.env, port=self.port, log=self.root / "server.log", args=["--workers", "2"]
            )
            try:
                self.server = server.start()
            except ServerDidNotStart as exc:
                pytest.fail(f"the target LRS did not start: {exc}")

    def kill_hard(self) -> None:
        """SIGKILL to the server's whole process group (master and workers), as a power cut would."""
        if self.server is not None:
            self.server.kill()
            self.server = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop(timeout=20)
            self.server = None

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
