"""CSV uploads of attendance and completions (`rianru.lrs.services.upload`) end to end: rows become
statements, all or nothing, idempotent. Here in catalogue because partners name the activity by an
opportunity's slug or external id, which the resolver this app registers with the LRS turns into its page."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rianru.catalogue.tests.factories import OpportunityFactory
from rianru.core.errors import NotAllowed, TooLarge, ValidationFailed
from rianru.core.models import AuditEvent
from rianru.lrs.models import Credential, Statement
from rianru.lrs.services import upload
from rianru.lrs.services.upload import UploadRejected, statements_upload
from rianru.lrs.tests.conftest import forget_merged_definitions  # noqa: F401 (autouse)
from rianru.lrs.tests.helpers import XapiClient, make_credential
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

ADL = "http://adlnet.gov/expapi/verbs/"
HEADER = "email,account,name,activity,verb,when,score,duration,registration,session\n"


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def opportunity(db):
    return OpportunityFactory(slug="silk-weaving", external_id="MOODLE-42", title_en="Silk weaving")


@pytest.fixture
def partner(opportunity):
    return opportunity.provider


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


GOOD = csv_bytes(
    "somsri@example.org,,สมศรี ใจดี,silk-weaving,attended,17/9/2567 09:00,,90,,morning",
    "SOMCHAI@example.org,,Somchai,MOODLE-42,passed,2024-09-20,85,1:30,0f8fad5b-d9cb-469f-a165-70867728950e,",
    ",card-1001,Nok,https://example.org/courses/python,completed,17 ก.ย. 2567 14:30,,PT2H,,",
)


def stored(partner) -> dict[str, dict]:
    return {str(row.statement_id): row.data for row in Statement.objects.filter(partner=partner)}


def test_rows_become_statements_of_the_partner(partner, opportunity):
    result = statements_upload(actor=None, partner=partner, data=GOOD)
    assert (result.rows, result.stored, result.unchanged, result.repeated) == (3, 3, 0, 0)
    data = stored(partner)
    assert set(data) == set(result.statement_ids)
    attended, passed, completed = (data[statement_id] for statement_id in result.statement_ids)
    # the opportunity, named by slug or external id, is its canonical page URL with its titles
    expected_iri = upload_iri(opportunity)
    assert attended["object"]["id"] == passed["object"]["id"] == expected_iri
    assert attended["object"]["definition"]["name"]["en"] == "Silk weaving"
    assert attended["actor"] == {
        "objectType": "Agent",
        "name": "สมศรี ใจดี",
        "mbox": "mailto:somsri@example.org",
    }
    assert passed["actor"]["mbox"] == "mailto:somchai@example.org"
    assert attended["verb"]["id"] == ADL + "attended"
    assert attended["verb"]["display"]["th"] == "เข้าร่วม"
    # a Thai date with a Buddhist-era year, in the city's time zone
    assert attended["timestamp"] == "2024-09-17T09:00:00+07:00"
    assert attended["result"] == {"duration": "PT1H30M"}
    assert attended["context"]["extensions"] == {upload.SESSION_EXTENSION: "morning"}
    assert passed["result"] == {
        "success": True, "completion": True, "duration": "PT1H30M",
        "score": {"raw": 85, "min": 0, "max": 100, "scaled": 0.85},
    }  # fmt: skip
    assert passed["context"]["registration"] == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert completed["object"]["id"] == "https://example.org/courses/python"
    assert completed["timestamp"] == "2024-09-17T14:30:00+07:00"
    assert completed["actor"]["account"] == {
        "homePage": upload.city_home_page(partner.city),
        "name": "card-1001",
    }
    assert completed["result"] == {"completion": True, "duration": "PT2H"}
    # the authority is the partner's upload credential, made on the first upload
    credential = Credential.objects.get(partner=partner, upload=True)
    assert credential.scopes == ["statements/write"]
    assert {row["authority"]["account"]["name"] for row in data.values()} == {credential.key}
    assert AuditEvent.objects.filter(action="lrs.statements_upload").count() == 1


def upload_iri(opportunity) -> str:
    from rianru.catalogue.lrs_activities import opportunity_activity_id

    return opportunity_activity_id(opportunity)


def test_uploading_the_same_file_again_stores_nothing_new(partner):
    first = statements_upload(actor=None, partner=partner, data=GOOD)
    again = statements_upload(actor=None, partner=partner, data=GOOD)
    assert (again.stored, again.unchanged) == (0, 3)
    assert again.statement_ids == first.statement_ids
    assert Statement.objects.filter(partner=partner).count() == 3
    assert Credential.objects.filter(partner=partner, upload=True).count() == 1


def test_the_statement_ids_are_stable_and_partner_specific(partner):
    other = PartnerFactory(city=partner.city)
    row = "a@example.org,,,https://example.org/x,attended,2024-09-17,,,,"
    ours = statements_upload(actor=None, partner=partner, data=csv_bytes(row), dry_run=True).statement_ids
    theirs = statements_upload(actor=None, partner=other, data=csv_bytes(row), dry_run=True).statement_ids
    assert ours != theirs
    identity = "\n".join(
        [str(partner.pk), "mbox:mailto:a@example.org", ADL + "attended", "https://example.org/x",
         "2024-09-16T17:00:00+00:00", "", ""]
    )  # fmt: skip
    assert ours == [str(uuid.uuid5(upload.UPLOAD_NAMESPACE, identity))]


def test_a_row_uploaded_before_with_other_values_is_an_error(partner):
    statements_upload(
        actor=None, partner=partner, data=csv_bytes("a@example.org,,,silk-weaving,passed,2024-09-17,80,,,")
    )
    with pytest.raises(UploadRejected) as caught:
        statements_upload(
            actor=None,
            partner=partner,
            data=csv_bytes("a@example.org,,,silk-weaving,passed,2024-09-17,90,,,"),
        )
    assert caught.value.extra["errors"][0]["line"] == 2
    assert "uploaded before" in caught.value.extra["errors"][0]["message"]
    assert Statement.objects.get(partner=partner).data["result"]["score"]["raw"] == 80


def test_repeated_rows_in_one_file(partner):
    row = "a@example.org,,,silk-weaving,attended,2024-09-17,,,,"
    result = statements_upload(actor=None, partner=partner, data=csv_bytes(row, row))
    assert (result.rows, result.stored, result.repeated) == (2, 1, 1)
    with pytest.raises(UploadRejected) as caught:
        statements_upload(
            actor=None,
            partner=partner,
            data=csv_bytes(
                row.replace("2024", "2023"), row.replace("2024", "2023").replace(",,,,", ",50,,,")
            ),
        )
    assert caught.value.extra["errors"] == [
        {"line": 3, "column": "", "message": caught.value.extra["errors"][0]["message"]}
    ]
    assert "line 2" in caught.value.extra["errors"][0]["message"]


def test_every_error_is_reported_with_its_line_and_nothing_is_stored(partner):
    data = csv_bytes(
        "a@example.org,,,silk-weaving,attended,2024-09-17,,,,",  # fine, but the file has errors
        "not-an-email,,,nope,danced,32/13/2567,120,soon,not-a-uuid,",
        ",,,silk-weaving,attended,2024-09-17,,,,",
        "b@example.org,acc,,silk-weaving,attended,2099-01-01,,,,",
        "c@example.org,,,rianru:other-city:opportunity:silk-weaving,attended,2024-09-17,,,,",
    )
    with pytest.raises(UploadRejected) as caught:
        statements_upload(actor=None, partner=partner, data=data)
    found = {(error["line"], error["column"]) for error in caught.value.extra["errors"]}
    assert found == {
        (3, "email"), (3, "activity"), (3, "verb"), (3, "when"), (3, "score"), (3, "duration"),
        (3, "registration"), (4, "email"), (5, "email"), (5, "when"), (6, "activity"),
    }  # fmt: skip
    assert caught.value.extra["invalid_lines"] == 4
    assert Statement.objects.count() == 0
    assert not Credential.objects.filter(upload=True).exists()


def test_dry_run_checks_and_stores_nothing(partner):
    result = statements_upload(actor=None, partner=partner, data=GOOD, dry_run=True)
    assert (result.dry_run, result.stored) == (True, 3)
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (HEADER.encode(), "no rows"),
        (b"a,b\n1,2\n", "unknown columns: a, b"),
        (b"email,activity,verb\nx,y,z\n", "missing columns: when"),
        (b"name,activity,verb,when\nx,y,z,w\n", "email or an account"),
        ("email,activity,verb,when\nก,ข,ค,ง\n".encode("cp874"), "Thai Windows encoding"),
        (b"\xff\xfe\x00\x00", "not UTF-8"),
        (b"email,activity,verb,when\n\x00,,,\n", "binary"),
        (b'email,activity,verb,when\n"a,b\n', "not valid CSV"),
    ],
)
def test_bad_files_get_a_clear_message(partner, data, words):
    with pytest.raises(ValidationFailed) as caught:
        statements_upload(actor=None, partner=partner, data=data)
    assert words in str(caught.value.message)


def test_a_file_with_a_byte_order_mark_is_read(partner):
    assert statements_upload(actor=None, partner=partner, data=b"\xef\xbb\xbf" + GOOD).stored == 3


def test_limits(partner, settings):
    settings.RIANRU_LRS_UPLOAD_MAX_BYTES = 100
    with pytest.raises(TooLarge):
        statements_upload(actor=None, partner=partner, data=GOOD)
    settings.RIANRU_LRS_UPLOAD_MAX_BYTES = 10_000
    settings.RIANRU_LRS_UPLOAD_MAX_ROWS = 2
    with pytest.raises(TooLarge):
        statements_upload(actor=None, partner=partner, data=GOOD)


def staff_user(partner, role, *, own=True):
    user = get_user_model().objects.create_user(username=f"user-{role}-{own}", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="lrs"))
    if role == CityMembership.Role.PARTNER_ADMIN:
        target = partner if own else PartnerFactory(city=partner.city)
        CityMembership.objects.create(user=user, city=partner.city, role=role, partner=target)
    elif role == CityMembership.Role.CITY_STAFF:
        city = partner.city if own else CityFactory()
        CityMembership.objects.create(user=user, city=city, role=role)
    return user


@pytest.mark.parametrize(
    ("role", "own", "allowed"),
    [
        (CityMembership.Role.CITY_STAFF, True, True),
        (CityMembership.Role.CITY_STAFF, False, False),
        (CityMembership.Role.PARTNER_ADMIN, True, True),
        (CityMembership.Role.PARTNER_ADMIN, False, False),
        ("none", True, False),
    ],
)
def test_who_may_upload(partner, role, own, allowed):
    user = staff_user(partner, role, own=own)
    if allowed:
        assert statements_upload(actor=user, partner=partner, data=GOOD).stored == 3
    else:
        with pytest.raises(NotAllowed):
            statements_upload(actor=user, partner=partner, data=GOOD)
        assert Statement.objects.count() == 0


def test_uploaded_statements_are_read_like_any_other(partner):
    statements_upload(actor=None, partner=partner, data=GOOD)
    credential, secret = make_credential(partner, scopes=("statements/read/mine",))
    response = XapiClient(credential.key, secret).get_statements(
        {"agent": json.dumps({"mbox": "mailto:somsri@example.org"})}
    )
    assert response.status_code == 200
    assert [s["verb"]["id"] for s in response.json()["statements"]] == [ADL + "attended"]


def test_the_command(partner, tmp_path, capsys):
    path = tmp_path / "attendance.csv"
    path.write_bytes(GOOD)
    args = [str(path), "--city", partner.city.slug, "--partner", partner.slug]
    call_command("lrs_upload", *args, "--dry-run")
    assert "3 new statements" in capsys.readouterr().out
    assert Statement.objects.count() == 0
    call_command("lrs_upload", *args, "--json")
    assert json.loads(capsys.readouterr().out) == {
        "rows": 3,
        "stored": 3,
        "unchanged": 0,
        "repeated": 0,
        "dry_run": False,
    }
    path.write_bytes(csv_bytes("x,,,silk-weaving,attended,2024-09-17,,,,"))
    with pytest.raises(CommandError, match="1 error"):
        call_command("lrs_upload", *args)
    assert "Line 2, email" in capsys.readouterr().err
    with pytest.raises(CommandError, match="no partner"):
        call_command("lrs_upload", str(path), "--city", partner.city.slug, "--partner", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "lrs_upload",
            str(tmp_path / "missing.csv"),
            "--city",
            partner.city.slug,
            "--partner",
            partner.slug,
        )


def upload_url(language="en") -> str:
    return ("/en" if language == "en" else "") + "/admin/lrs/statement/upload/"


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_upload_page(partner, language):
    client = Client()
    client.force_login(staff_user(partner, CityMembership.Role.PARTNER_ADMIN))
    page = client.get(upload_url(language))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'lang="{language}"' in html
    assert f'<option value="{partner.pk}" selected>' in html  # only their partner, chosen
    assert 'hx-post="' in html and "htmx" in html
    listing = client.get(("/en" if language == "en" else "") + "/admin/lrs/statement/")
    assert upload_url(language).encode() in listing.content


def test_uploading_on_the_page_shows_errors_per_line_escaped(partner):
    client = Client()
    client.force_login(staff_user(partner, CityMembership.Role.CITY_STAFF))
    bad = csv_bytes("a@example.org,,,<b>nope</b>,attended,2024-09-17,,,,")
    response = client.post(upload_url(), {"partner": partner.pk, "file": named(bad)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing was stored" in html
    assert "&lt;b&gt;nope&lt;/b&gt;" in html and "<b>nope</b>" not in html
    # with HTMX: only the result fragment
    fragment = client.post(
        upload_url(), {"partner": partner.pk, "file": named(bad)}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert b'id="upload-errors"' in fragment.content and b"<form" not in fragment.content
    done = client.post(
        upload_url(), {"partner": partner.pk, "file": named(GOOD)}, headers={"HX-Request": "true"}
    )
    assert b"3 new statements" in done.content
    assert Statement.objects.filter(partner=partner).count() == 3


def test_the_page_refuses_another_partner(partner):
    client = Client()
    client.force_login(staff_user(partner, CityMembership.Role.PARTNER_ADMIN))
    other = PartnerFactory(city=partner.city)
    response = client.post(upload_url(), {"partner": other.pk, "file": named(GOOD)})
    assert response.status_code == 400  # not among the choices
    assert Statement.objects.count() == 0


def named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("attendance.csv", data, content_type="text/csv")


def test_the_api(partner):
    client = Client()
    url = f"/api/v1/cities/{partner.city.slug}/partners/{partner.slug}/lrs/upload"
    assert client.post(url, GOOD, content_type="text/csv").status_code == 401
    client.force_login(staff_user(partner, CityMembership.Role.PARTNER_ADMIN))
    response = client.post(url + "?dry_run=true", GOOD, content_type="text/csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 3, "stored": 3, "unchanged": 0, "repeated": 0, "dry_run": True}
    bad = client.post(url, {"file": named(csv_bytes("x,,,silk-weaving,attended,2024-09-17,,,,"))})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["line"] == 2
    assert client.post(url, GOOD, content_type="text/csv").json()["stored"] == 3
    other = PartnerFactory(city=partner.city)
    refused = client.post(
        f"/api/v1/cities/{partner.city.slug}/partners/{other.slug}/lrs/upload", GOOD, content_type="text/csv"
    )
    assert refused.status_code == 403
    assert (
        client.post(
            f"/api/v1/cities/{partner.city.slug}/partners/nobody/lrs/upload", GOOD, content_type="text/csv"
        ).status_code
        == 404
    )


def test_the_example_file_in_the_docs_is_valid(db):
    from pathlib import Path

    city = CityFactory(slug="khon-kaen")
    opportunity = OpportunityFactory(city=city, slug="150-hour-thai-massage-for-health")
    example = Path(__file__).resolve().parents[3] / "docs" / "lrs-upload-example.csv"
    result = statements_upload(actor=None, partner=opportunity.provider, data=example.read_bytes())
    assert (result.rows, result.stored) == (4, 4)
