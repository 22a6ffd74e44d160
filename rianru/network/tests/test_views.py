import pytest

from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.network.models import MouSignatory, Sector
from rianru.network.selectors import mou_signatories_by_sector
from rianru.network.services import mou_sign
from rianru.network.tests.factories import CityFactory, MouFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(city):
    return [
        PartnerFactory(city=city, slug="kku", name_en="Khon Kaen University", name_th="มหาวิทยาลัยขอนแก่น",
                       sector=Sector.EDUCATION),
        PartnerFactory(city=city, slug="muni", name_en="Khon Kaen Municipality", name_th="เทศบาลนครขอนแก่น",
                       sector=Sector.GOVERNMENT),
        PartnerFactory(city=city, slug="pao", name_en="Provincial Administrative Organisation",
                       name_th="องค์การบริหารส่วนจังหวัดขอนแก่น", sector=Sector.GOVERNMENT),
        PartnerFactory(city=city, slug="closed", name_en="Closed Foundation", name_th="มูลนิธิที่ปิดแล้ว",
                       sector=Sector.CIVIL_SOCIETY, is_active=False),
    ]  # fmt: skip


# ---------------------------------------------------------------- partner directory


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_directory_lists_active_partners_with_counts_per_sector(client, partners, language):
    page = get_page(client, url("network:partner_list", language, city="khon-kaen"), language)
    names = page.texts("#results .card h3 a")
    if language == "th":  # Thai dictionary order: เทศบาล files under ท, before ม and อ
        assert names == ["เทศบาลนครขอนแก่น", "มหาวิทยาลัยขอนแก่น", "องค์การบริหารส่วนจังหวัดขอนแก่น"]
    else:
        assert names == [
            "Khon Kaen Municipality",
            "Khon Kaen University",
            "Provincial Administrative Organisation",
        ]
    counts = {
        a.get("href").split("sector=")[1]: a.select_one("strong").text
        for a in page.select(".sector-counts a")
    }
    assert counts == {"government": "2", "private": "0", "education": "1", "civil_society": "0"}
    # no logo: an initials badge
    assert page.select_one("#results .card .initials").text == "KKM"


def test_partner_directory_filters_by_sector(client, partners):
    page = parse_response(
        client.get(url("network:partner_list", "en", city="khon-kaen") + "?sector=education")
    )
    assert page.texts("#results .card h3 a") == ["Khon Kaen University"]
    assert page.select_one(".sector-counts a[aria-current=true]").get("href").endswith("sector=education")


@pytest.mark.parametrize("query", ["sector=aliens", "sector=", "sector=%ff%fe", "sector=education&sector=x"])
def test_partner_directory_ignores_garbage(client, partners, query):
    response = client.get(url("network:partner_list", city="khon-kaen") + "?" + query)
    assert response.status_code == 200
    assert parse_response(response).select("#results .card")


# city, partners, counts per sector
PARTNER_LIST_QUERIES = 3


@pytest.mark.parametrize("n", [3, 20])
def test_partner_directory_query_count_is_constant(client, city, django_assert_num_queries, n):
    PartnerFactory.create_batch(n, city=city)
    with django_assert_num_queries(PARTNER_LIST_QUERIES):
        response = client.get(url("network:partner_list", city="khon-kaen"))
    assert len(parse_response(response).select("#results .card")) == n


# ---------------------------------------------------------------- MOUs


@pytest.fixture
def mou(city, partners):
    mou = MouFactory(
        city=city, slug="learning-city-2024", title_en="Khon Kaen Learning City MOU",
        title_th="บันทึกความร่วมมือเมืองแห่งการเรียนรู้ขอนแก่น", venue_en="City Hall", venue_th="ศาลาว่าการ",
    )  # fmt: skip
    mou.sdg_goals.set([4, 11])
    mou_sign(actor=None, mou=mou, partners=partners[:3])
    return mou


@pytest.mark.parametrize("language", LANGUAGES)
def test_mou_list(client, mou, language):
    page = get_page(client, url("network:mou_list", language, city="khon-kaen"), language)
    (card,) = page.select(".card")
    assert card.select_one("a").get("href") == url(
        "network:mou_detail", language, city="khon-kaen", slug=mou.slug
    )
    assert ("17 กันยายน 2567" if language == "th" else "17 September 2024") in card.text
    assert "3" in card.select_one(".badge").text


@pytest.mark.parametrize("n", [3, 20])
def test_mou_list_query_count_is_constant(client, city, django_assert_num_queries, n):
    for mou in MouFactory.create_batch(n, city=city):
        mou_sign(actor=None, mou=mou, partners=PartnerFactory.create_batch(2, city=city))
    with django_assert_num_queries(2):  # city, MOUs with their signatory counts
        response = client.get(url("network:mou_list", city="khon-kaen"))
    assert len(parse_response(response).select(".card")) == n


@pytest.mark.parametrize("language", LANGUAGES)
def test_mou_detail_groups_signatories_by_sector(client, mou, language):
    page = get_page(client, url("network:mou_detail", language, city="khon-kaen", slug=mou.slug), language)
    assert page.select_one("h1").text == (mou.title_th if language == "th" else mou.title_en)
    signed = page.select_one("dl time").text
    assert signed == ("วันอังคารที่ 17 กันยายน 2567" if language == "th" else "Tuesday 17 September 2024")
    assert ("ศาลาว่าการ" if language == "th" else "City Hall") in page.select_one("dl").text
    assert [chip.get("href").rsplit("/sdg/", 1)[1] for chip in page.select("a.sdg-chip")] == ["4/", "11/"]
    groups = {
        section.select_one("h3").get("id"): section.texts("li a")
        for section in page.select("section[aria-labelledby^=sector-]")
    }
    if language == "en":
        assert groups == {
            "sector-government": ["Khon Kaen Municipality", "Provincial Administrative Organisation"],
            "sector-education": ["Khon Kaen University"],
        }
    prefix = "/en" if language == "en" else ""
    assert page.select_one(f"a[href='{prefix}/khon-kaen/partners/kku/']")


def test_mou_signatories_are_read_in_one_query(city, mou, django_assert_num_queries):
    mou_sign(actor=None, mou=mou, partners=PartnerFactory.create_batch(6, city=city))
    with django_assert_num_queries(1):
        groups = mou_signatories_by_sector(mou=mou)
    assert sum(len(g["partners"]) for g in groups) == MouSignatory.objects.filter(mou=mou).count() == 9


# ---------------------------------------------------------------- 404 and isolation


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_mou_and_unknown_city_are_404s(client, city, language):
    for name, kwargs in (
        ("network:mou_detail", {"city": "khon-kaen", "slug": "nope"}),
        ("network:partner_list", {"city": "atlantis"}),
        ("network:mou_list", {"city": "atlantis"}),
    ):
        response = client.get(url(name, language, **kwargs))
        assert response.status_code == 404
        assert parse_response(response).select_one("html").get("lang") == language


def test_another_citys_partners_and_mous_never_show(client, city, partners, mou):
    yala = CityFactory(slug="yala")
    PartnerFactory(city=yala, slug="yala-partner", name_en="Yala Rajabhat University")
    MouFactory(city=yala, slug="yala-mou", title_en="Yala MOU")

    directory = parse_response(client.get(url("network:partner_list", "en", city="khon-kaen")))
    mous = parse_response(client.get(url("network:mou_list", "en", city="khon-kaen")))

    assert "Yala Rajabhat University" not in directory.text
    assert mous.texts(".card h2") == ["Khon Kaen Learning City MOU"]
    assert client.get(url("network:mou_detail", city="khon-kaen", slug="yala-mou")).status_code == 404
    assert client.get(url("web:partner_detail", city="khon-kaen", slug="yala-partner")).status_code == 404
    assert client.get(url("network:mou_detail", city="yala", slug="yala-mou")).status_code == 200
