"""The catalogue admin: pages in Thai and English, an opportunity with its session, spaces, city scoping."""

from decimal import Decimal

import pytest

from rianru.catalogue import services
from rianru.catalogue.models import LearningSpace, LifeStage, Opportunity, Session, Topic
from rianru.catalogue.tests.factories import (
    LearningSpaceFactory,
    OpportunityFactory,
    SessionFactory,
    TopicFactory,
)
from rianru.network.services import partner_create
from rianru.network.tests.adminpages import (
    admin_url,
    assert_admin_pages_open,
    changelist_queries,
    city_staff,
    model_url,
)
from rianru.network.tests.factories import CityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def khon_kaen():
    return CityFactory(slug="khon-kaen", name_th="ขอนแก่น", name_en="Khon Kaen")


@pytest.fixture
def yala():
    return CityFactory(slug="yala", name_th="ยะลา", name_en="Yala")


def _partner(city, slug, name_en):
    return partner_create(
        actor=None, city=city, slug=slug, name_th=f"ภาคี {name_en}", name_en=name_en, sector="education"
    )


@pytest.mark.parametrize("model", [Topic, LearningSpace, Opportunity, Session], ids=lambda m: m.__name__)
def test_superuser_opens_every_catalogue_admin_page_in_thai_and_english(admin_client, reference_data, model):
    session = SessionFactory()
    rows = {
        Topic: TopicFactory(),
        LearningSpace: LearningSpaceFactory(city=session.city),
        Opportunity: session.opportunity,
        Session: session,
    }
    assert_admin_pages_open(admin_client, model, rows[model])


def test_life_stages_are_read_only(admin_client):
    assert_admin_pages_open(admin_client, LifeStage, LifeStage.objects.first(), can_add=False)


def _opportunity_form(*, city, provider, slug="pottery", sessions=()):
    data = {
        "city": city.pk, "provider": provider.pk, "slug": slug, "kind": "workshop", "status": "published",
        "title_th": "ปั้นดินเผา", "title_en": "Pottery for beginners", "mode": "onsite", "language": "th",
        "price_thb": "0", "life_stages": ["working_age", "older_people"],
        "sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0", "sessions-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (starts, ends, capacity) in enumerate(sessions):
        data.update({
            f"sessions-{i}-starts_at_0": starts[0], f"sessions-{i}-starts_at_1": starts[1],
            f"sessions-{i}-ends_at_0": ends[0], f"sessions-{i}-ends_at_1": ends[1],
            f"sessions-{i}-capacity": capacity,
        })  # fmt: skip
    return data


def test_superuser_creates_an_opportunity_with_a_session(admin_client, reference_data, khon_kaen):
    provider = _partner(khon_kaen, "kku", "Khon Kaen University")
    data = _opportunity_form(
        city=khon_kaen, provider=provider, sessions=[(("2026-12-05", "09:00"), ("2026-12-05", "12:00"), "15")]
    )
    data.update(sdg_goals=["4"], sdg_targets=["4.3"], kflc_features=["1.1.1"])
    response = admin_client.post(model_url(Opportunity, "add", language="en"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    opportunity = Opportunity.objects.get(slug="pottery")
    assert (opportunity.city, opportunity.provider, opportunity.is_free) == (khon_kaen, provider, True)
    assert sorted(opportunity.life_stages.values_list("code", flat=True)) == ["older_people", "working_age"]
    assert list(opportunity.sdg_targets.values_list("code", flat=True)) == ["4.3"]
    assert list(opportunity.kflc_features.values_list("code", flat=True)) == ["1.1.1"]
    session = opportunity.sessions.get()
    assert session.city == khon_kaen
    assert session.capacity == 15
    assert session.starts_at.isoformat() == "2026-12-05T02:00:00+00:00"  # 09:00 in Bangkok


def test_a_session_ending_before_it_starts_is_refused(admin_client, khon_kaen):
    provider = _partner(khon_kaen, "kku", "Khon Kaen University")
    data = _opportunity_form(
        city=khon_kaen, provider=provider, sessions=[(("2026-12-05", "12:00"), ("2026-12-05", "09:00"), "")]
    )
    response = admin_client.post(model_url(Opportunity, "add", language="en"), data)
    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    assert not Opportunity.objects.exists()


def _space_form(*, city, owner, accessibility, facilities=()):
    return {
        "city": city.pk, "slug": "library", "name_th": "ห้องสมุด", "name_en": "City library",
        "kind": "library", "owner": owner.pk, "latitude": "16.43", "longitude": "102.83",
        "facilities": list(facilities), "accessibility": list(accessibility),
    }  # fmt: skip


def test_space_facilities_and_accessibility_are_checkboxes_and_set_step_free_access(admin_client, khon_kaen):
    owner = _partner(khon_kaen, "city-hall", "City Hall")
    add = admin_client.get(model_url(LearningSpace, "add", language="en")).content.decode()
    assert 'type="checkbox" name="facilities" value="wifi"' in add
    assert 'type="checkbox" name="accessibility" value="ramp"' in add

    data = _space_form(city=khon_kaen, owner=owner, accessibility=["ramp", "braille"], facilities=["wifi"])
    assert admin_client.post(model_url(LearningSpace, "add", language="en"), data).status_code == 302
    space = LearningSpace.objects.get(slug="library")
    assert (space.facilities, space.accessibility) == (["wifi"], ["ramp", "braille"])
    assert space.is_accessible is True

    data.update(accessibility=["braille"])
    del data["city"]  # read-only once saved
    response = admin_client.post(model_url(LearningSpace, "change", space.pk, language="en"), data)
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.accessibility == ["braille"]
    assert space.is_accessible is services.space_is_accessible(["braille"]) is False


def test_unknown_facility_codes_are_refused(admin_client, khon_kaen):
    owner = _partner(khon_kaen, "city-hall", "City Hall")
    data = _space_form(city=khon_kaen, owner=owner, accessibility=["teleporter"])
    response = admin_client.post(model_url(LearningSpace, "add", language="en"), data)
    assert response.status_code == 200
    assert not LearningSpace.objects.exists()


@pytest.fixture
def yala_client(client, khon_kaen, yala):
    client.force_login(city_staff(username="yala-staff", cities=[yala]))
    return client


def test_city_staff_see_only_their_citys_opportunities(yala_client, khon_kaen, yala):
    ours = OpportunityFactory(city=yala, title_en="Batik painting")
    theirs = OpportunityFactory(city=khon_kaen, title_en="Silk weaving")
    SessionFactory(opportunity=theirs)
    html = yala_client.get(model_url(Opportunity, "changelist", language="en")).content.decode()
    assert "Batik painting" in html and "Silk weaving" not in html
    sessions = yala_client.get(model_url(Session, "changelist", language="en")).content.decode()
    assert "Silk weaving" not in sessions
    for language in ("th", "en"):
        assert (
            yala_client.get(model_url(Opportunity, "change", ours.pk, language=language)).status_code == 200
        )
        other = yala_client.get(model_url(Opportunity, "change", theirs.pk, language=language))
        assert other.status_code in (302, 404)


def test_city_staff_cannot_pick_another_citys_partner_as_provider(yala_client, khon_kaen, yala):
    kk_partner = _partner(khon_kaen, "kku", "Khon Kaen University")
    yala_partner = _partner(yala, "yru", "Yala Rajabhat University")
    url = model_url(Opportunity, "add", language="en")

    autocomplete = yala_client.get(
        admin_url("autocomplete", language="en"),
        {
            "app_label": "catalogue",
            "model_name": "opportunity",
            "field_name": "provider",
            "term": "University",
        },
    )
    assert [row["id"] for row in autocomplete.json()["results"]] == [str(yala_partner.pk)]

    refused = yala_client.post(url, _opportunity_form(city=yala, provider=kk_partner))
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not Opportunity.objects.exists()

    accepted = yala_client.post(url, _opportunity_form(city=yala, provider=yala_partner))
    assert accepted.status_code == 302
    assert Opportunity.objects.get().provider == yala_partner


def test_superuser_cannot_pair_a_provider_with_another_city_either(admin_client, khon_kaen, yala):
    kk_partner = _partner(khon_kaen, "kku", "Khon Kaen University")
    response = admin_client.post(
        model_url(Opportunity, "add", language="en"), _opportunity_form(city=yala, provider=kk_partner)
    )
    assert response.status_code == 200
    assert "belongs to another city" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_city_staff_add_page_starts_with_their_city(yala_client, yala):
    form = yala_client.get(model_url(Opportunity, "add", language="en")).context["adminform"].form
    assert form.initial["city"] == yala.pk
    assert list(form.fields["city"].queryset) == [yala]


def test_price_sets_is_free(admin_client, khon_kaen):
    provider = _partner(khon_kaen, "kku", "Khon Kaen University")
    data = _opportunity_form(city=khon_kaen, provider=provider)
    data["price_thb"] = "350"
    assert admin_client.post(model_url(Opportunity, "add", language="en"), data).status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.price_thb, opportunity.is_free) == (Decimal("350"), False)


@pytest.mark.parametrize("model", [Opportunity, Session, LearningSpace], ids=lambda m: m.__name__)
def test_changelists_run_the_same_queries_for_few_or_many_rows(yala_client, yala, model):
    def add_rows(n):
        for _ in range(n):
            space = LearningSpaceFactory(city=yala)
            SessionFactory(opportunity=OpportunityFactory(city=yala, provider=space.owner), space=space)

    add_rows(2)
    few = changelist_queries(yala_client, model)
    add_rows(8)
    assert changelist_queries(yala_client, model) == few
