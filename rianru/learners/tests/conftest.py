import pytest

from rianru.lrs.tests.conftest import forget_merged_definitions  # noqa: F401 (autouse)
from rianru.lrs.tests.helpers import XapiClient, make_credential
from rianru.network.tests.factories import CityFactory, PartnerFactory


@pytest.fixture
def kk(db):
    return CityFactory(slug="khon-kaen", name_th="ขอนแก่น", name_en="Khon Kaen")


@pytest.fixture
def partner(kk):
    return PartnerFactory(city=kk)


@pytest.fixture
def xapi(partner):
    credential, secret = make_credential(partner)
    return XapiClient(credential.key, secret)


@pytest.fixture
def store(xapi, django_capture_on_commit_callbacks):
    """Store statements as a partner's system would, running the after-commit hooks (learner links)."""

    def store(*statements):
        with django_capture_on_commit_callbacks(execute=True):
            response = xapi.post_statements(list(statements))
        assert response.status_code == 200, response.content
        return response.json()

    return store
