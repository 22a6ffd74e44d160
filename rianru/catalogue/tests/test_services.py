import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rianru.catalogue.models import LearningSpace, Opportunity, Session
from rianru.catalogue.services import opportunity_create, session_create, space_create
from rianru.catalogue.tests.factories import LearningSpaceFactory, OpportunityFactory
from rianru.network.errors import CrossCityReference
from rianru.network.tests.factories import CityFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def _opportunity_fields(provider, **overrides):
    fields = {
        "slug": "ikat-weaving",
        "provider": provider,
        "kind": Opportunity.Kind.WORKSHOP,
        "title_th": "เวิร์กช็อปมัดหมี่",
        "title_en": "Mudmee ikat workshop",
        "mode": Opportunity.Mode.ONSITE,
    }
    return fields | overrides


def test_opportunity_create_links_the_vocabularies(reference_data):
    provider = PartnerFactory()
    opportunity = opportunity_create(
        actor=None,
        city=provider.city,
        life_stages=["working_age", "older_people", "no-such-stage"],
        sdg_goals=[4, 8],
        sdg_targets=["4.4"],
        kflc_features=["2.2.3", "2.2"],  # 2.2 is a sub-area, not a feature: ignored
        **_opportunity_fields(provider, price_thb=Decimal("350")),
    )
    assert sorted(opportunity.life_stages.values_list("code", flat=True)) == ["older_people", "working_age"]
    assert sorted(opportunity.sdg_goals.values_list("number", flat=True)) == [4, 8]
    assert list(opportunity.kflc_features.values_list("code", flat=True)) == ["2.2.3"]
    assert opportunity.is_free is False


def test_price_zero_means_free_and_an_update_keeps_is_free_in_step():
    opportunity = OpportunityFactory(price_thb=0)
    assert opportunity.is_free
    opportunity.price_thb = Decimal("120")
    opportunity.save(update_fields=["price_thb"])
    opportunity.refresh_from_db()
    assert opportunity.is_free is False


def test_opportunity_age_range_must_be_ordered():
    provider = PartnerFactory()
    with pytest.raises(ValidationError) as error:
        opportunity_create(
            actor=None, city=provider.city, **_opportunity_fields(provider, age_min=60, age_max=10)
        )
    assert "age_max" in error.value.message_dict
    assert not Opportunity.objects.exists()


def test_a_provider_from_another_city_is_refused():
    provider = PartnerFactory()
    with pytest.raises(CrossCityReference):
        opportunity_create(actor=None, city=CityFactory(), **_opportunity_fields(provider))


def test_space_create_derives_step_free_access_and_refuses_unknown_codes():
    owner = PartnerFactory()
    fields = {
        "slug": "city-museum",
        "name_th": "โฮงมูนมังเมืองขอนแก่น",
        "name_en": "Khon Kaen City Museum",
        "kind": LearningSpace.Kind.MUSEUM,
        "owner": owner,
        "latitude": Decimal("16.419"),
        "longitude": Decimal("102.836"),
    }
    space = space_create(actor=None, city=owner.city, accessibility=["ramp", "braille"], **fields)
    assert space.is_accessible
    with pytest.raises(ValidationError) as error:
        space_create(actor=None, city=owner.city, facilities=["helipad"], **(fields | {"slug": "other"}))
    assert "facilities" in error.value.message_dict


def test_sessions_must_end_after_they_start_and_stay_in_their_city():
    opportunity = OpportunityFactory()
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        session_create(actor=None, opportunity=opportunity, starts_at=start, ends_at=start)
    foreign_space = LearningSpaceFactory(city=CityFactory())
    with pytest.raises(CrossCityReference):
        session_create(
            actor=None,
            opportunity=opportunity,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            space=foreign_space,
        )
    assert not Session.objects.exists()


def test_registration_window():
    opportunity = OpportunityFactory()
    now = timezone.now()
    session = session_create(
        actor=None,
        opportunity=opportunity,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=3, hours=2),
        registration_opens_at=now - dt.timedelta(days=1),
        registration_closes_at=now + dt.timedelta(days=2),
    )
    assert session.registration_is_open(now)
    assert not session.registration_is_open(now + dt.timedelta(days=2, minutes=1))
    assert not session.registration_is_open(now - dt.timedelta(days=2))
