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
