"""`rianru catalogue export` and `rianru catalogue import` as an operator runs them (real subprocesses)."""

import json
import shutil
from pathlib import Path

import pytest

from tests.test_cli import _env, rianru


@pytest.fixture(scope="module")
def yala_db(tmp_path_factory) -> Path:
    """A migrated SQLite file with the reference data and the demo city of Yala, made once per module."""
    root = tmp_path_factory.mktemp("catalogue")
    env = _env(root)
    for args in (["migrate", "--noinput"], ["reference", "load"], ["demo", "load", "--city", "yala"]):
        result = rianru(*args, env=env, cwd=root, timeout=300)
        assert result.returncode == 0, result.stderr
    return root / "rianru.sqlite3"


@pytest.fixture
def env(tmp_path, yala_db) -> dict[str, str]:
    shutil.copy(yala_db, tmp_path / "rianru.sqlite3")
    return _env(tmp_path)


def test_export_then_import_the_same_file_changes_nothing(tmp_path, env):
    exported = rianru(
        "catalogue", "export", "--city", "yala", "--output", "yala.jsonld", env=env, cwd=tmp_path
    )
    assert exported.returncode == 0, exported.stderr
    graph = json.loads((tmp_path / "yala.jsonld").read_text(encoding="utf-8"))["@graph"]
    records = [n for n in graph if n["@type"] != "Organization"]
    assert {n["@type"] for n in records} >= {"Place", "Course", "EducationEvent"}

    imported = rianru("catalogue", "import", "yala.jsonld", "--city", "yala", env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"0 created, 0 updated, {len(records)} unchanged, 0 invalid skipped" in imported.stdout

    csv = rianru(
        "catalogue", "export", "--city", "yala", "--format", "csv", "--kind", "spaces", env=env, cwd=tmp_path
    )
    assert csv.returncode == 0 and csv.stdout.startswith("external_id,slug,kind,name_th,name_en")
    (tmp_path / "spaces.csv").write_text(csv.stdout, encoding="utf-8")
    again = rianru("catalogue", "import", "spaces.csv", "--city", "yala", "--dry-run", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing written: 0 to create, 0 to update" in again.stdout


def test_a_file_with_errors_lists_them_and_changes_nothing_unless_valid_only(tmp_path, env):
    header = "external_id,kind,title_th,title_en,provider,mode\n"
    (tmp_path / "new.csv").write_text(
        header + "new-1,course,ใหม่,New,nobody,online\nnew-2,course,สอง,Two,yala-city-municipality,online\n",
        encoding="utf-8",
    )
    refused = rianru("catalogue", "import", "new.csv", "--city", "yala", env=env, cwd=tmp_path)
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert lines[0] == "Line 2, provider: There is no partner “nobody” in this city."
    assert lines[-1].endswith(
        "The file has 1 error; nothing was imported. "
        "Fix the file, or import its valid records with --valid-only."
    )
    assert "Traceback" not in refused.stderr

    partial = rianru(
        "catalogue", "import", "new.csv", "--city", "yala", "--valid-only", env=env, cwd=tmp_path
    )
    assert partial.returncode == 0, partial.stderr
    assert "1 created, 0 updated, 0 unchanged, 1 invalid skipped" in partial.stdout
    assert "Line 2, provider" in partial.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (bytes(range(256)), "The file is not UTF-8 text (byte 128)"),
        (b'{"@graph": [', "The file is not valid JSON"),
        (b"", "The file is empty."),
    ],
)
def test_a_malformed_file_is_one_clean_line(tmp_path, env, content, message):
    (tmp_path / "bad").write_bytes(content)
    result = rianru("catalogue", "import", "bad", "--city", "yala", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_city_or_file_in_the_operators_language(tmp_path, env):
    thai = rianru(
        "catalogue", "export", "--city", "atlantis", env={**env, "RIANRU_LANGUAGE": "th"}, cwd=tmp_path
    )
    assert thai.returncode == 1 and "ไม่มีเมืองชื่อ “atlantis”" in thai.stderr
    missing = rianru("catalogue", "import", "no-such-file.csv", "--city", "yala", env=env, cwd=tmp_path)
    assert (
        missing.returncode == 1
        and "Cannot read no-such-file.csv: No such file or directory" in missing.stderr
    )
    group = rianru("catalogue", env=env, cwd=tmp_path)
    assert "rianru catalogue export" in group.stdout and "rianru catalogue import" in group.stdout
