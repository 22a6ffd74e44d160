""".env.example documents every environment variable the settings read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(
    r"""(?:env|_env|Env\(\))\.(?:str|bool|int|list|cache_url|db_url)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def test_every_setting_read_from_the_environment_is_documented():
    sources = [*sorted((ROOT / "config" / "settings").glob("*.py")), ROOT / "config" / "database.py"]
    names = {name for path in sources for name in READ.findall(path.read_text())}
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "RIANRU_DATA_DIR"} <= names  # the pattern still matches
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set()
