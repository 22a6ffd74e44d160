import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rianru.core.models import AuditEvent
from rianru.network import selectors
from rianru.network.errors import CityNotFound, CrossCityReference
from rianru.network.models import MouSignatory, Partner, Sector
from rianru.network.services import mou_create, mou_sign, partner_create
from rianru.network.tests.factories import CityFactory, PartnerFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def test_partner_create_validates_and_audits():
    city = CityFactory(slug="khon-kaen")
    partner = partner_create(
        actor=None,
        city=city,
        slug="khon-kaen-university",
        name_th="มหาวิทยาลัยขอนแก่น",
        name_en="Khon Kaen University",
        sector=Sector.EDUCATION,
    )
    assert partner.city == city
    event = AuditEvent.objects.get(action="partner_create")
    assert event.target_id == str(partner.pk) and event.city_slug == "khon-kaen"


def test_partner_create_refuses_an_unknown_sector_and_writes_nothing():
    city = CityFactory()
    with pytest.raises(ValidationError) as error:
        partner_create(actor=None, city=city, slug="x", name_th="ก", name_en="X", sector="church")
    assert "sector" in error.value.message_dict
    assert not Partner.objects.exists()
    assert not AuditEvent.objects.exists()


def test_partner_slugs_are_unique_per_city_but_may_repeat_across_cities():
    first, second = CityFactory(), CityFactory()
    PartnerFactory(city=first, slug="city-library")
    PartnerFactory(city=second, slug="city-library")
    with pytest.raises(ValidationError):
        partner_create(
            actor=None, city=first, slug="city-library", name_th="ก", name_en="A", sector="private"
        )


def test_a_partner_cannot_sit_in_another_citys_zone():
    khon_kaen, yala = CityFactory(), CityFactory()
    yala_zone = ZoneFactory(city=yala)
    with pytest.raises(CrossCityReference):
        partner_create(
            actor=None, city=khon_kaen, slug="p", name_th="ก", name_en="P", sector="private", zone=yala_zone
        )


def test_mou_sign_keeps_order_skips_repeats_and_refuses_other_cities(reference_data):
    city, other = CityFactory(), CityFactory()
    mou = mou_create(
        actor=None,
        city=city,
        slug="learning-city-mou-2024",
        title_th="บันทึกความร่วมมือ",
        title_en="MOU",
        signed_on=dt.date(2024, 9, 17),
        sdg_goals=[4, 8, 10],
    )
    a, b = PartnerFactory(city=city), PartnerFactory(city=city)
    assert mou_sign(actor=None, mou=mou, partners=[b, a]) == 2
    assert mou_sign(actor=None, mou=mou, partners=[a]) == 0
    assert list(MouSignatory.objects.filter(mou=mou).values_list("partner", flat=True)) == [b.pk, a.pk]
    assert sorted(mou.sdg_goals.values_list("number", flat=True)) == [4, 8, 10]
    with pytest.raises(CrossCityReference):
        mou_sign(actor=None, mou=mou, partners=[PartnerFactory(city=other)])
    assert mou.signatories.count() == 2


def test_selectors_never_cross_cities():
    khon_kaen, yala = CityFactory(slug="khon-kaen"), CityFactory(slug="yala")
    ours = PartnerFactory(city=khon_kaen, sector=Sector.EDUCATION, slug="shared-slug")
    theirs = PartnerFactory(city=yala, sector=Sector.EDUCATION, slug="shared-slug")
    assert list(selectors.partner_list(city=khon_kaen)) == [ours]
    assert list(selectors.partner_list(city=yala)) == [theirs]
    assert selectors.partner_get(city=khon_kaen, slug="shared-slug") == ours
    assert selectors.partner_counts_by_sector(city=yala)[Sector.EDUCATION] == 1
    assert selectors.partner_counts_by_sector(city=yala)[Sector.PRIVATE] == 0


def test_city_get_raises_a_translated_not_found():
    with pytest.raises(CityNotFound) as error:
        selectors.city_get(slug="atlantis")
    assert error.value.status == 404
    assert "atlantis" in str(error.value.message)
