"""The JSON API's errors: RFC 9457 problem documents whose `type` explains their `code`,
every code documented."""

import ast
from pathlib import Path

import pytest

from config.problems import PROBLEM_TYPES
from rianru.network.tests.factories import CityFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db

# Codes of ApplicationErrors that never reach /api/v1/, by the door that shows them instead.
OUTSIDE_THE_API = {
    # the xAPI store under /xapi/, which keeps the xAPI wire format (docs/lrs.md)
    "bad_request", "conflict", "forbidden", "precondition_failed", "unauthorized", "unsupported_media_type",
    # pages (the calendar, the catalogue filters), shown on the page or its form
    "date_out_of_range", "invalid_date", "invalid_view", "unknown_partner",
    # management commands and the admin
    "demo_data_invalid", "demo_data_missing", "email_taken", "forwarding_unavailable", "invalid_account_name",
    "invalid_email", "invalid_endpoint", "learner_exists", "learner_not_found", "missing_file",
    "secret_unreadable", "verification_failed",
}  # fmt: skip


def _codes_in_the_source() -> set[str]:
    """Every `code = "..."` of a class and `code="..."` of a call in rianru/ (tests and migrations aside)."""
    codes = set()
    for path in (ROOT / "rianru").rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.ClassDef):
                values = [
                    statement.value
                    for statement in node.body
                    if isinstance(statement, ast.Assign)
                    and any(
                        isinstance(target, ast.Name) and target.id == "code" for target in statement.targets
                    )
                ]
            elif isinstance(node, ast.Call):
                values = [keyword.value for keyword in node.keywords if keyword.arg == "code"]
            codes |= {value.value for value in values if isinstance(value, ast.Constant)}
    return codes


def test_every_error_code_is_a_problem_type_or_outside_the_api():
    found = _codes_in_the_source()
    assert found - OUTSIDE_THE_API - set(PROBLEM_TYPES) == set(), "add it to config/problems.py"
    assert OUTSIDE_THE_API & set(PROBLEM_TYPES) == set()
    assert found >= OUTSIDE_THE_API, "a code listed here is gone: drop it"


def test_docs_list_every_problem_type():
    doc = (ROOT / "docs" / "api-errors.md").read_text(encoding="utf-8")
    assert [code for code in sorted(PROBLEM_TYPES) if f"`{code}`" not in doc] == []


def test_a_problem_has_a_type_a_translated_title_its_code_and_detail(client):
    """Like every unprefixed path, the API answers in the instance's language (Thai)."""
    response = client.get("/api/v1/cities/atlantis/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "http://testserver/api/v1/problems/city_not_found/",
        "title": "ไม่พบ",
        "status": 404,
        "code": "city_not_found",
        "detail": "ไม่มีเมืองชื่อ “atlantis”",
        "slug": "atlantis",
    }


def test_a_problem_type_url_explains_its_code(client):
    problem = client.get("/api/v1/cities/atlantis/").json()
    explained = client.get(problem["type"])
    assert explained.status_code == 200
    assert explained.json() == {
        "code": "city_not_found",
        "status": 404,
        "title": "ไม่พบ",
        "description": PROBLEM_TYPES["city_not_found"].description,
        "type": problem["type"],
    }
    listed = client.get("/api/v1/problems/").json()
    assert [entry["code"] for entry in listed] == sorted(PROBLEM_TYPES)
    unknown = client.get("/api/v1/problems/nonsense/")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "status", "code", "title"),
    [
        (
            "/api/v1/cities/khon-kaen/opportunities/?sdg=99",
            400,
            "invalid",
            "คำขอไม่ถูกต้อง",
        ),  # Ninja's validation
        ("/api/v1/cities/khon-kaen/opportunities/nobody/", 404, "not_found", "ไม่พบ"),  # Http404
        ("/api/v1/cities/khon-kaen/map?lat=16.4", 400, "invalid_point", "คำขอไม่ถูกต้อง"),  # ApplicationError
    ],
)
def test_every_kind_of_error_is_a_whole_problem(client, url, status, code, title):
    CityFactory(slug="khon-kaen")
    body = client.get(url).json()
    assert body["type"] == f"http://testserver/api/v1/problems/{code}/"
    assert (body["status"], body["code"], body["title"]) == (status, code, title)
    assert body["detail"]


def test_sign_in_needed_is_a_problem(client):
    """Ninja's HttpError (here the session authentication's 401) gets a code and a translated detail."""
    CityFactory(slug="khon-kaen")
    response = client.post("/api/v1/cities/khon-kaen/catalogue/import", b"", content_type="text/csv")
    body = response.json()
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert (body["code"], body["type"]) == (
        "not_authenticated",
        "http://testserver/api/v1/problems/not_authenticated/",
    )
    assert body["title"] == "ต้องลงชื่อเข้าใช้" and body["detail"]
