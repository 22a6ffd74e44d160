"""The `rianru` command as an operator runs it: real subprocesses of the installed script."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from rianru.core.serving import RunningServer, ServerDidNotStart

RIANRU = str(Path(sys.executable).parent / "rianru")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RIANRU_", "DJANGO_", "DATABASE_URL", "LC_", "LANG"))
    }
    env.update(
        LANG="C.UTF-8",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'rianru.sqlite3'}",
        RIANRU_STATIC_ROOT=str(tmp_path / "static"),
        RIANRU_MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(extra)
    return env


def rianru(*args: str, env: dict[str, str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RIANRU, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """One migrated SQLite file per module; tests copy it instead of migrating again."""
    root = tmp_path_factory.mktemp("migrated")
    result = rianru("migrate", "--noinput", env=_env(root), cwd=root, timeout=300)
    assert result.returncode == 0, result.stderr
    return root / "rianru.sqlite3"


def test_rianru_alone_prints_its_usage(tmp_path):
    for args in ([], ["--help"], ["help"]):
        result = rianru(*args, env=_env(tmp_path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "rianru demo load" in result.stdout
        assert "rianru reference load" in result.stdout
        assert "rianru serve" in result.stdout


def test_a_group_lists_its_commands_and_a_command_its_options(tmp_path):
    group = rianru("demo", env=_env(tmp_path), cwd=tmp_path)
    assert group.returncode == 0, group.stderr
    assert "rianru demo load" in group.stdout
    options = rianru("help", "serve", env=_env(tmp_path), cwd=tmp_path)
    assert options.returncode == 0, options.stderr
    assert "usage: rianru serve" in options.stdout and "--workers" in options.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate"], "Unknown command: 'frobnicate'"),
        (["demo", "frobnicate"], "unknown command 'demo frobnicate'"),
        (["help", "frobnicate"], "Unknown command 'frobnicate'"),
    ],
)
def test_an_unknown_command_fails_with_a_message(tmp_path, args, message):
    result = rianru(*args, env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("nonsense", "unsupported scheme '(none)'"),
        ("mysql://x", "unsupported scheme 'mysql'"),
        ("postgres://h:port/x", "could not be read"),
        ("", "DATABASE_URL is empty"),
        ("sqlite://", "names no SQLite file"),
    ],
)
@pytest.mark.parametrize("args", [["check"], ["shell", "-c", "print('ran')"], ["version"]], ids=" ".join)
def test_a_malformed_database_url_is_one_clear_line(tmp_path, url, message, args):
    result = rianru(*args, env=_env(tmp_path, DATABASE_URL=url), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rianru: configuration error: DATABASE_URL")
    assert message in lines[0]


def test_production_settings_without_a_secret_key_are_refused(tmp_path):
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production")
    result = rianru("check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip() == "rianru: configuration error: DJANGO_SECRET_KEY must be set in production."
    )


def test_check_says_what_is_missing_until_the_database_is_ready(tmp_path):
    env = _env(tmp_path)
    before = rianru("check", env=env, cwd=tmp_path)
    assert before.returncode == 1
    assert "FAIL migrations" in before.stdout and "run `rianru migrate`" in before.stdout
    assert "Traceback" not in before.stderr

    assert rianru("migrate", "--noinput", env=env, cwd=tmp_path, timeout=300).returncode == 0
    migrated = rianru("check", env=env, cwd=tmp_path)
    assert migrated.returncode == 1
    assert "ok   migrations: all applied" in migrated.stdout
    assert "FAIL reference kflc: not loaded; run `rianru reference load`" in migrated.stdout

    assert rianru("reference", "load", env=env, cwd=tmp_path).returncode == 0
    ready = rianru("check", env=env, cwd=tmp_path)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    version = (Path(__file__).parents[1] / "rianru/frameworks/data/VERSION").read_text().strip()
    assert f"ok   reference sdg-goals: version {version}, 17 rows" in ready.stdout
    assert "cities: none yet" in ready.stdout
    assert "Rianru is ready." in ready.stdout


def test_check_lists_the_cities_loaded(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "rianru.sqlite3")
    env = _env(tmp_path)
    assert rianru("reference", "load", env=env, cwd=tmp_path).returncode == 0
    script = (
        "from rianru.network.models import City;"
        "City.objects.create(slug='yala', name_th='ยะลา', name_en='Yala', latitude=6.54, longitude=101.28)"
    )
    assert rianru("shell", "-c", script, env=env, cwd=tmp_path).returncode == 0
    result = rianru("check", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   cities: 1: yala (Yala)" in result.stdout


def test_check_reports_a_database_it_cannot_reach_in_one_line(tmp_path):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = _env(tmp_path, DATABASE_URL=f"postgres://rianru@127.0.0.1:{port}/rianru")
    result = rianru("check", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert f"FAIL database: cannot connect to PostgreSQL rianru on 127.0.0.1:{port}" in result.stdout
    assert "Traceback" not in result.stderr
    migrate = rianru("migrate", env=env, cwd=tmp_path)
    assert migrate.returncode == 1
    assert migrate.stderr.startswith("rianru: database error:")
    assert len(migrate.stderr.strip().splitlines()) == 1


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback test server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_serve_answers_pages_and_static_files_then_stops_cleanly(tmp_path, migrated_db):
    shutil.copy(migrated_db, tmp_path / "rianru.sqlite3")
    env = _env(tmp_path)
    server = RunningServer(
        env=env, cwd=tmp_path, log=tmp_path / "serve.log", args=["--workers", "1", "--threads", "2"],
        probe="/en/admin/login/", rianru=RIANRU,
    )  # fmt: skip
    try:
        try:
            server.start()
        except ServerDidNotStart as exc:
            pytest.fail(str(exc))
        base = server.base
        status, _body = _get(f"{base}/en/admin/login/")
        assert status == 200
        # The first run collected the static files; whitenoise serves them with their hashed names too.
        manifest = tmp_path / "static" / "staticfiles.json"
        assert manifest.is_file()
        status, body = _get(f"{base}/static/admin/css/base.css")
        assert status == 200 and b"body" in body
        assert _get(f"{base}/static/no-such-file.css")[0] == 404
        assert _get(f"{base}/en/")[0] < 500
        assert _get(f"{base}/xapi/about")[0] == 200
        assert _get(f"{base}/xapi/statements")[0] == 400  # no version header, no credentials
    finally:
        returncode = server.stop(signal.SIGINT)
    output = (tmp_path / "serve.log").read_text()
    assert returncode == 0, output
    assert '"GET /en/admin/login/ HTTP/1.1" 200' in output  # the access log goes to stdout
    # successful xAPI requests stay out of it (the store records them), xAPI errors do not
    assert "GET /xapi/about" not in output
    assert '"GET /xapi/statements HTTP/1.1" 400' in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ({"LANG": "th_TH.UTF-8"}, "ไม่มีข้อมูลตัวอย่างของเมือง “atlantis”"),
        ({"RIANRU_LANGUAGE": "th"}, "ไม่มีข้อมูลตัวอย่างของเมือง “atlantis”"),
        ({}, "There is no demo data for the city “atlantis”"),
    ],
)
def test_command_messages_follow_the_operators_language(migrated_db, tmp_path, language, expected):
    shutil.copy(migrated_db, tmp_path / "rianru.sqlite3")
    result = rianru("demo", "load", "--city", "atlantis", env=_env(tmp_path, **language), cwd=tmp_path)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_check_speaks_thai_to_a_thai_operator(migrated_db, tmp_path):
    shutil.copy(migrated_db, tmp_path / "rianru.sqlite3")
    result = rianru("check", env=_env(tmp_path, RIANRU_LANGUAGE="th"), cwd=tmp_path)
    assert result.returncode == 1
    assert "ข้อมูลอ้างอิง sdg-goals: ยังไม่ได้โหลด" in result.stdout
    assert "ปรับใช้ครบแล้ว" in result.stdout
