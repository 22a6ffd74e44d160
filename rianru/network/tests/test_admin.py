"""The admin for cities, the network and the reference data: pages in Thai and English, and city scoping."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rianru.core.models import AuditEvent
from rianru.frameworks.models import KflcItem, ReferenceDataset, SdgGoal, SdgTarget
from rianru.network import services
from rianru.network.models import (
    City,
    CityMembership,
    Commitment,
    ContributedResource,
    Mou,
    Partner,
    Sector,
    Zone,
)
from rianru.network.tests.adminpages import (
    admin_url,
    assert_admin_pages_open,
    changelist_queries,
    city_staff,
    model_url,
)
from rianru.network.tests.factories import (
    CityFactory,
    CommunityFactory,
    MouFactory,
    PartnerContactFactory,
    PartnerFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(reference_data):
    city = CityFactory(slug="khon-kaen", name_th="ขอนแก่น", name_en="Khon Kaen")
    zone = ZoneFactory(city=city)
    CommunityFactory(zone=zone, city=city)
    partner = services.partner_create(
        actor=None, city=city, slug="kku", name_th="มหาวิทยาลัยขอนแก่น", name_en="Khon Kaen University",
        sector=Sector.EDUCATION, zone=zone,
    )  # fmt: skip
    PartnerContactFactory(partner=partner, city=city)
    mou = services.mou_create(
        actor=None, city=city, slug="mou-2024", title_th="บันทึกความร่วมมือ", title_en="Learning city MOU",
        signed_on=dt.date(2024, 9, 17), sdg_goals=[4, 11],
    )  # fmt: skip
    services.mou_sign(actor=None, mou=mou, partners=[partner])
    commitment = Commitment.objects.create(
        city=city, partner=partner, mou=mou, title_th="ห้องเรียนชุมชน", title_en="Community classrooms"
    )
    resource = ContributedResource.objects.create(
        city=city, partner=partner, commitment=commitment, kind=ContributedResource.Kind.VENUE,
        description_th="ห้องประชุม", description_en="Meeting room",
    )  # fmt: skip
    user = get_user_model().objects.create_user(username="staff", is_staff=True)
    membership = CityMembership.objects.create(user=user, city=city)
    return {
        City: city, Zone: zone, Partner: partner, Mou: mou, Commitment: commitment,
        ContributedResource: resource, CityMembership: membership,
    }  # fmt: skip


@pytest.mark.parametrize(
    "model",
    [City, Zone, Partner, Mou, Commitment, ContributedResource, CityMembership],
    ids=lambda model: model.__name__,
)
def test_superuser_opens_every_network_admin_page_in_thai_and_english(admin_client, network, model):
    assert_admin_pages_open(admin_client, model, network[model])


@pytest.mark.parametrize(
    "model", [SdgGoal, SdgTarget, KflcItem, ReferenceDataset, AuditEvent], ids=lambda model: model.__name__
)
def test_reference_data_and_audit_trail_are_read_only(admin_client, network, model):
    obj = model.objects.first()
    assert obj is not None
    assert_admin_pages_open(admin_client, model, obj, can_add=False)
    response = admin_client.post(model_url(model, "change", obj.pk, language="en"), {})
    assert response.status_code == 403


def test_site_header_is_rianrus_not_djangos(admin_client):
    response = admin_client.get(admin_url("index", language="en"))
    assert response.status_code == 200
    assert "Rianru administration" in response.content.decode()


def test_partner_admin_filters_and_searches_in_both_languages(admin_client, network):
    other = services.partner_create(
        actor=None, city=network[City], slug="ngo", name_th="มูลนิธิเด็ก", name_en="Children Foundation",
        sector=Sector.CIVIL_SOCIETY,
    )  # fmt: skip
    url = model_url(Partner, "changelist", language="en")
    by_thai = admin_client.get(url, {"q": "มูลนิธิ"}).content.decode()
    assert other.name_en in by_thai and "Khon Kaen University" not in by_thai
    by_sector = admin_client.get(url, {"sector__exact": "education"}).content.decode()
    assert "Khon Kaen University" in by_sector and other.name_en not in by_sector


def test_mou_signatory_inline_and_sdg_choices_on_the_change_page(admin_client, network):
    html = admin_client.get(model_url(Mou, "change", network[Mou].pk, language="en")).content.decode()
    assert 'name="signatory_rows-0-partner"' in html
    assert "admin-autocomplete" in html
    assert 'id="id_sdg_goals"' in html and "selectfilter" in html


@pytest.fixture
def two_cities():
    khon_kaen = CityFactory(slug="khon-kaen", name_th="ขอนแก่น", name_en="Khon Kaen")
    yala = CityFactory(slug="yala", name_th="ยะลา", name_en="Yala")
    kk_partner = services.partner_create(
        actor=None, city=khon_kaen, slug="kku", name_th="มหาวิทยาลัยขอนแก่น", name_en="Khon Kaen University",
        sector=Sector.EDUCATION,
    )  # fmt: skip
    yala_partner = services.partner_create(
        actor=None, city=yala, slug="yru", name_th="มหาวิทยาลัยราชภัฏยะลา", name_en="Yala Rajabhat University",
        sector=Sector.EDUCATION,
    )  # fmt: skip
    return {"khon-kaen": khon_kaen, "yala": yala, "kk_partner": kk_partner, "yala_partner": yala_partner}


@pytest.fixture
def yala_client(client, two_cities):
    client.force_login(city_staff(username="yala-staff", cities=[two_cities["yala"]]))
    return client


def test_city_staff_see_only_their_citys_partners(yala_client, two_cities):
    html = yala_client.get(model_url(Partner, "changelist", language="en")).content.decode()
    assert "Yala Rajabhat University" in html
    assert "Khon Kaen University" not in html
    cities = yala_client.get(model_url(City, "changelist", language="th")).content.decode()
    assert "ยะลา" in cities and "ขอนแก่น" not in cities


def test_city_staff_cannot_open_another_citys_rows(yala_client, two_cities):
    for language in ("th", "en"):
        own = yala_client.get(model_url(Partner, "change", two_cities["yala_partner"].pk, language=language))
        assert own.status_code == 200
        other = yala_client.get(model_url(Partner, "change", two_cities["kk_partner"].pk, language=language))
        assert other.status_code in (302, 404)
        city = yala_client.get(model_url(City, "change", two_cities["khon-kaen"].pk, language=language))
        assert city.status_code in (302, 404)
    assert yala_client.get(model_url(City, "add", language="en")).status_code == 403


def _partner_form(city, slug):
    return {
        "city": city.pk, "slug": slug, "name_th": "ภาคีใหม่", "name_en": "New partner", "sector": "private",
        "is_active": "on",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "1000",
    }  # fmt: skip


def test_city_staff_cannot_save_a_row_into_another_city(yala_client, two_cities):
    url = model_url(Partner, "add", language="en")
    refused = yala_client.post(url, _partner_form(two_cities["khon-kaen"], "intruder"))
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not Partner.objects.filter(slug="intruder").exists()
    accepted = yala_client.post(url, _partner_form(two_cities["yala"], "newcomer"))
    assert accepted.status_code == 302
    assert Partner.objects.get(slug="newcomer").city == two_cities["yala"]


def test_city_of_a_saved_row_cannot_be_changed(admin_client, two_cities):
    partner = two_cities["yala_partner"]
    form = _partner_form(two_cities["khon-kaen"], partner.slug)
    response = admin_client.post(model_url(Partner, "change", partner.pk, language="en"), form)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.city == two_cities["yala"]


def test_city_staff_autocomplete_offers_only_their_citys_partners(yala_client, two_cities):
    response = yala_client.get(
        admin_url("autocomplete", language="en"),
        {"app_label": "network", "model_name": "commitment", "field_name": "partner", "term": "University"},
    )
    assert response.status_code == 200
    names = [row["text"] for row in response.json()["results"]]
    assert names == ["Yala Rajabhat University"]


def test_an_inline_row_cannot_point_into_another_city(admin_client, two_cities):
    mou = services.mou_create(
        actor=None, city=two_cities["yala"], slug="mou", title_th="บันทึก", title_en="MOU",
        signed_on=dt.date(2025, 1, 10),
    )  # fmt: skip
    data = {
        "slug": "mou", "title_th": "บันทึก", "title_en": "MOU", "signed_on": "2025-01-10",
        "signatory_rows-TOTAL_FORMS": "1", "signatory_rows-INITIAL_FORMS": "0",
        "signatory_rows-MIN_NUM_FORMS": "0", "signatory_rows-MAX_NUM_FORMS": "1000",
        "signatory_rows-0-partner": two_cities["kk_partner"].pk, "signatory_rows-0-position": "0",
    }  # fmt: skip
    url = model_url(Mou, "change", mou.pk, language="en")
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    assert "belongs to another city" in refused.content.decode()
    assert not mou.signatory_rows.exists()
    data["signatory_rows-0-partner"] = two_cities["yala_partner"].pk
    assert admin_client.post(url, data).status_code == 302
    row = mou.signatory_rows.get()
    assert (row.partner, row.city) == (two_cities["yala_partner"], two_cities["yala"])


def test_only_superusers_manage_memberships_and_read_the_audit_trail(yala_client):
    for model in (CityMembership, AuditEvent):
        assert yala_client.get(model_url(model, "changelist", language="en")).status_code == 403


def test_membership_of_a_partner_administrator_needs_a_partner_of_that_city(admin_client, two_cities):
    user = get_user_model().objects.create_user(username="kku-admin", is_staff=True)
    data = {"user": user.pk, "city": two_cities["yala"].pk, "role": "partner_admin"}
    url = model_url(CityMembership, "add", language="en")
    assert "needs a partner" in admin_client.post(url, data).content.decode()
    data["partner"] = two_cities["kk_partner"].pk
    assert "same city" in admin_client.post(url, data).content.decode()
    data["partner"] = two_cities["yala_partner"].pk
    assert admin_client.post(url, data).status_code == 302
    assert CityMembership.objects.get(user=user).partner == two_cities["yala_partner"]


def test_partner_logo_is_uploaded_and_previewed(admin_client, two_cities):
    partner = two_cities["yala_partner"]
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(image, "PNG")
    logo = SimpleUploadedFile("yru.png", image.getvalue(), content_type="image/png")
    form = {**_partner_form(partner.city, partner.slug), "logo": logo}
    response = admin_client.post(model_url(Partner, "change", partner.pk, language="en"), form)
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.logo.name.startswith("partners/logos/yru")
    html = admin_client.get(model_url(Partner, "change", partner.pk, language="en")).content.decode()
    assert f'<img src="{partner.logo.url}"' in html


def test_a_web_address_without_scheme_is_taken_as_https(admin_client, two_cities):
    partner = two_cities["yala_partner"]
    form = {**_partner_form(partner.city, partner.slug), "website": "www.yru.ac.th"}
    assert admin_client.post(model_url(Partner, "change", partner.pk, language="en"), form).status_code == 302
    partner.refresh_from_db()
    assert partner.website == "https://www.yru.ac.th"


@pytest.mark.parametrize("model", [Partner, Mou, Commitment, ContributedResource], ids=lambda m: m.__name__)
def test_changelists_run_the_same_queries_for_few_or_many_rows(yala_client, two_cities, model):
    yala = two_cities["yala"]

    def add_rows(n):
        for _ in range(n):
            partner = PartnerFactory(city=yala, zone=ZoneFactory(city=yala))
            mou = MouFactory(city=yala)
            services.mou_sign(actor=None, mou=mou, partners=[partner])
            commitment = Commitment.objects.create(
                city=yala, partner=partner, mou=mou, title_th="พันธกิจ", title_en="Commitment"
            )
            ContributedResource.objects.create(
                city=yala, partner=partner, commitment=commitment, kind="staff",
                description_th="วิทยากร", description_en="Trainers",
            )  # fmt: skip

    add_rows(2)
    few = changelist_queries(yala_client, model)
    add_rows(8)
    assert changelist_queries(yala_client, model) == few
