import pytest

from rianru.lrs.tests.helpers import XapiClient, make_credential


@pytest.fixture
def credential(db):
    return make_credential()


@pytest.fixture
def xapi(credential):
    cred, secret = credential
    return XapiClient(cred.key, secret)


@pytest.fixture
def xapi103(credential):
    cred, secret = credential
    return XapiClient(cred.key, secret, version="1.0.3")


@pytest.fixture(autouse=True)
def forget_merged_definitions():
    """The process-wide memories (merged definitions, checked credentials) must not leak between tests."""
    from rianru.lrs.services import credentials, statements

    statements._defined.clear()
    credentials._credentials.clear()
    yield
    statements._defined.clear()
    credentials._credentials.clear()
