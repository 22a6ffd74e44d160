"""A small xAPI client over Django's test client, and statement builders."""

import base64
import json
import uuid

from django.test import Client
from django.test.client import ClientHandler

from rianru.lrs.services import credential_create
from rianru.lrs.xapi.handler import XapiMiddlewareMixin
from rianru.network.tests.factories import PartnerFactory


def make_credential(partner=None, scopes=("all",), xapi_version="2.0.0"):
    partner = partner or PartnerFactory()
    credential, secret = credential_create(
        actor=None, partner=partner, scopes=list(scopes), xapi_version=xapi_version
    )
    return credential, secret


class XapiClientHandler(XapiMiddlewareMixin, ClientHandler):
    """The test client's handler with the middleware of the lean xAPI path that `config.wsgi` serves."""


def lean_client() -> Client:
    """A Django test client whose requests take the lean xAPI path (as `config.wsgi` sends /xapi/…)."""
    client = Client()
    client.handler = XapiClientHandler(enforce_csrf_checks=False)
    return client


class XapiClient:
    def __init__(self, key: str, secret: str, version: str = "2.0.0"):
        self.client = lean_client()
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.version = version

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": self.auth}
        if self.version:
            headers["X-Experience-API-Version"] = self.version
        headers.update(extra or {})
        return headers

    def request(
        self, method: str, path: str, params=None, body=None, content_type="application/json", headers=None
    ):
        from urllib.parse import urlencode

        url = "/xapi/" + path + ("?" + urlencode(params) if params else "")
        if body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body)
        kwargs = {"headers": self.headers(headers)}
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = content_type
        return getattr(self.client, method.lower())(url, **kwargs)

    def post_statements(self, data, **kwargs):
        return self.request("POST", "statements", body=data, **kwargs)

    def put_statement(self, statement_id, data, **kwargs):
        return self.request("PUT", "statements", params={"statementId": statement_id}, body=data, **kwargs)

    def get_statements(self, params=None, **kwargs):
        return self.request("GET", "statements", params=params, **kwargs)


def statement(**overrides) -> dict:
    data = {
        "actor": {"objectType": "Agent", "name": "สมศรี", "mbox": "mailto:somsri@example.org"},
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attended",
            "display": {"en-US": "attended", "th": "เข้าร่วม"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://rianru.org/khon-kaen/opportunities/weaving",
            "definition": {"name": {"en-US": "Weaving", "th": "ทอผ้า"}},
        },
    }
    data.update(overrides)
    return data


def new_id() -> str:
    return str(uuid.uuid4())
