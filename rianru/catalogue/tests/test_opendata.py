"""The open catalogue: JSON-LD and CSV export, import (validation, all-or-nothing, idempotence), the pages'
embedded JSON-LD and the API doors."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from rianru.catalogue.interchange.exporter import export_csv, export_jsonld
from rianru.catalogue.interchange.importer import ImportRejected, catalogue_import
from rianru.catalogue.models import LearningSpace, Opportunity, Session
from rianru.catalogue.services import opportunity_create, session_create, space_create
from rianru.catalogue.tests.factories import TopicFactory
from rianru.core.errors import NotAllowed, TooLarge, ValidationFailed
from rianru.core.models import AuditEvent
from rianru.core.tests.html import LANGUAGES, get_page, parse_response, url
from rianru.network.models import City, CityMembership, Partner
from rianru.network.tests.factories import (
    CityFactory,
    CommunityFactory,
    PartnerContactFactory,
    PartnerFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(autouse=True)
def english():
    """Messages of the importer in English (the pages' tests choose their language by URL)."""
    with translation.override("en"):
        yield


def at(day: int, hour: int, month: int = 1) -> dt.datetime:
    return dt.datetime(2030, month, day, hour, tzinfo=BANGKOK)


def network(city: City) -> dict:
    """The partners, zone and community a catalogue refers to; the same slugs in every city."""
    zone = ZoneFactory(city=city, number=1)
    return {
        "zone": zone,
        "community": CommunityFactory(city=city, zone=zone, slug="ban-tum"),
        "kku": PartnerFactory(city=city, slug="kku", name_en="Khon Kaen University", short_name_en="KKU"),
        "library": PartnerFactory(city=city, slug="library-network"),
    }


@pytest.fixture
def catalogue(city):
    """Khon Kaen's catalogue, made through the services as users make it."""
    rows = network(city)
    PartnerContactFactory(partner=rows["kku"], email="somchai@example.org")
    TopicFactory(slug="crafts", name_th="งานฝีมือ", name_en="Crafts")
    library = space_create(
        actor=None, city=city, slug="city-library", name_th="ห้องสมุดประชาชน", name_en="City library",
        kind="library", owner=rows["library"], zone=rows["zone"], community=rows["community"],
        latitude=Decimal("16.432100"), longitude=Decimal("102.823600"), address_th="ถนนกลางเมือง",
        address_en="Klang Mueang Road", opening_hours_th="จ.–ศ. 8:30–16:30",
        opening_hours_en="Mon–Fri 8:30–16:30", facilities=["wifi", "computers"],
        accessibility=["wheelchair", "braille"], website="https://library.example", phone="043 000 000",
    )  # fmt: skip
    museum = space_create(
        actor=None, city=city, slug="kku-museum", external_id="KKU-MUSEUM-1", name_th="พิพิธภัณฑ์ มข.",
        name_en="KKU museum", kind="museum", owner=rows["kku"], latitude=Decimal("16.47"),
        longitude=Decimal("102.82"), description_th="พิพิธภัณฑ์ของมหาวิทยาลัย",
    )  # fmt: skip
    silk = opportunity_create(
        actor=None, city=city, slug="silk-workshop", provider=rows["library"], kind="workshop", mode="onsite",
        title_th="เวิร์กช็อปมัดหมี่", title_en="Mudmee silk workshop", summary_th="ทอผ้าไหม",
        summary_en="Weave silk", description_th="ลงมือมัดหมี่", description_en="Tie and dye silk.",
        price_thb=Decimal("350"), has_certificate=True, hours=Decimal("2.5"), language="th_en", age_min=12,
        age_max=60, url="https://library.example/silk",
        registration_url="https://library.example/silk/register", life_stages=["school_age", "working_age"],
        topics=["crafts"], sdg_goals=[4, 8], sdg_targets=["4.4"], kflc_features=["2.2.3"],
    )  # fmt: skip
    session_create(
        actor=None, opportunity=silk, starts_at=at(10, 9), ends_at=at(10, 12), space=library, capacity=20,
        registration_opens_at=at(1, 8), registration_closes_at=at(9, 17),
    )  # fmt: skip
    session_create(
        actor=None, opportunity=silk, starts_at=at(17, 9), ends_at=at(17, 12), space=museum, is_cancelled=True
    )
    session_create(
        actor=None, opportunity=silk, starts_at=at(24, 13), ends_at=at(24, 16), place_th="ลานวัด",
        place_en="Temple yard", online_url="https://meet.example/silk",
    )  # fmt: skip
    opportunity_create(
        actor=None, city=city, slug="data-course", external_id="KKU-DS-101", provider=rows["kku"],
        kind="course", mode="blended", title_th="วิทยาการข้อมูล", title_en="Data science",
        life_stages=["working_age"],
    )  # fmt: skip
    opportunity_create(
        actor=None, city=city, slug="isan-songs", provider=rows["kku"], kind="online_resource", mode="online",
        title_th="เพลงหมอลำ", title_en="Mor lam songs", language="isan",
    )  # fmt: skip
    talk = opportunity_create(
        actor=None, city=city, slug="tea-talk", provider=rows["kku"], kind="event", mode="online",
        title_th="เสวนาชา", title_en="Tea talk", language="zh",
    )  # fmt: skip
    session_create(
        actor=None, opportunity=talk, starts_at=at(5, 19, month=2), ends_at=at(5, 20, month=2),
        online_url="https://meet.example/tea",
    )  # fmt: skip
    for status in ("draft", "cancelled"):
        opportunity_create(
            actor=None, city=city, slug=f"{status}-one", provider=rows["kku"], kind="course", mode="onsite",
            title_th="ไม่เผยแพร่", title_en=f"Not published ({status})", status=status,
        )  # fmt: skip
    return city


@pytest.fixture
def yala(reference_data):
    city = CityFactory(slug="yala", name_th="ยะลา", name_en="Yala")
    network(city)
    return city


def text_of(chunks) -> str:
    return "".join(chunks)


def graph_of(city: City) -> list[dict]:
    document = json.loads(text_of(export_jsonld(city=city)))
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def node(graph: list[dict], node_id: str) -> dict:
    return next(n for n in graph if n.get("@id") == node_id)


def snapshot(city: City) -> tuple[dict, dict]:
    """Everything the open catalogue carries, keyed by slug, without ids, city or external ids."""
    skip = {"id", "city", "created_at", "updated_at", "external_id", "owner", "zone", "community", "provider"}
    spaces = {}
    for space in LearningSpace.objects.filter(city=city).select_related("owner", "zone", "community"):
        fields = {
            f.name: getattr(space, f.name) for f in LearningSpace._meta.concrete_fields if f.name not in skip
        }
        fields.update(owner=space.owner.slug, zone=space.zone and space.zone.number,
                      community=space.community and space.community.slug)  # fmt: skip
        spaces[space.slug] = fields
    opportunities = {}
    for row in Opportunity.objects.filter(city=city, status="published").select_related("provider"):
        fields = {
            f.name: getattr(row, f.name) for f in Opportunity._meta.concrete_fields if f.name not in skip
        }
        fields["provider"] = row.provider.slug
        fields["relations"] = {
            "life_stages": set(row.life_stages.values_list("code", flat=True)),
            "topics": set(row.topics.values_list("slug", flat=True)),
            "sdg_goals": set(row.sdg_goals.values_list("number", flat=True)),
            "sdg_targets": set(row.sdg_targets.values_list("code", flat=True)),
            "kflc_features": set(row.kflc_features.values_list("code", flat=True)),
        }
        fields["sessions"] = [
            (s.starts_at, s.ends_at, s.space and s.space.slug, s.place_th, s.place_en, s.online_url,
             s.capacity, s.registration_opens_at, s.registration_closes_at, s.is_cancelled)
            for s in row.sessions.order_by("starts_at").select_related("space")
        ]  # fmt: skip
        opportunities[row.slug] = fields
    return spaces, opportunities


def import_text(city: City, text: str, **options):
    return catalogue_import(actor=None, city=city, data=text.encode(), **options)


def counts(result) -> dict:
    return result.counts()


# --- Export -----------------------------------------------------------------------------------------


def test_the_jsonld_export_is_schema_org_in_thai_and_english(catalogue):
    graph = graph_of(catalogue)
    types = [n["@type"] for n in graph]
    assert types.count("Organization") == 2 and types.count("Place") == 2
    assert sorted(t for t in types if t not in ("Organization", "Place")) == [
        "Course",
        "Course",
        "EducationEvent",
        "EducationEvent",
    ]  # fmt: skip  (drafts and cancelled opportunities are not open data)

    silk = node(graph, "rianru:khon-kaen:opportunity:silk-workshop")
    assert silk["@type"] == "EducationEvent" and silk["additionalType"] == "workshop"
    assert silk["name"] == [
        {"@value": "เวิร์กช็อปมัดหมี่", "@language": "th"}, {"@value": "Mudmee silk workshop", "@language": "en"},
    ]  # fmt: skip
    assert silk["identifier"] == silk["@id"]  # no external id: the stable Rianru id
    assert silk["organizer"] == {"@id": "rianru:khon-kaen:partner:library-network"}
    assert silk["offers"] == {
        "@type": "Offer", "price": "350", "priceCurrency": "THB", "url": "https://library.example/silk/register",
    }  # fmt: skip
    assert silk["isAccessibleForFree"] is False
    assert silk["educationalCredentialAwarded"]["@type"] == "EducationalOccupationalCredential"
    assert silk["timeRequired"] == "PT2H30M"
    assert silk["inLanguage"] == ["th", "en"]
    assert silk["audience"] == {
        "@type": "PeopleAudience", "suggestedMinAge": 12, "suggestedMaxAge": 60,
        "audienceType": ["school_age", "working_age"],
    }  # fmt: skip
    terms = {(t["inDefinedTermSet"], t["termCode"]) for t in silk["about"]}
    assert terms == {
        ("rianru:topics", "crafts"), ("https://sdgs.un.org/goals", "4"), ("https://sdgs.un.org/goals", "8"),
        ("https://sdgs.un.org/goals#targets", "4.4"),
        ("https://www.uil.unesco.org/en/learning-cities#key-features", "2.2.3"),
    }  # fmt: skip
    assert all(t["@type"] == "DefinedTerm" for t in silk["about"])
    first, cancelled, elsewhere = silk["subEvent"]
    assert (
        first["startDate"] == "2030-01-10T09:00:00+07:00" and first["endDate"] == "2030-01-10T12:00:00+07:00"
    )
    assert first["location"] == {"@id": "rianru:khon-kaen:space:city-library"}
    assert first["maximumAttendeeCapacity"] == 20
    assert first["offers"]["availabilityStarts"] == "2030-01-01T08:00:00+07:00"
    assert first["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert elsewhere["location"][0]["name"][1] == {"@value": "Temple yard", "@language": "en"}
    assert elsewhere["location"][1] == {"@type": "VirtualLocation", "url": "https://meet.example/silk"}

    course = node(graph, "rianru:khon-kaen:opportunity:data-course")
    assert course["@type"] == "Course" and course["identifier"] == "KKU-DS-101"
    assert course["provider"] == {"@id": "rianru:khon-kaen:partner:kku"}
    assert course["hasCourseInstance"] == [{"@type": "CourseInstance", "courseMode": "blended"}]
    assert course["offers"]["price"] == "0" and course["isAccessibleForFree"] is True
    assert node(graph, "rianru:khon-kaen:opportunity:isan-songs")["inLanguage"] == "tts"

    library = node(graph, "rianru:khon-kaen:space:city-library")
    assert library["geo"] == {"@type": "GeoCoordinates", "latitude": 16.4321, "longitude": 102.8236}
    assert {f["propertyID"] for f in library["amenityFeature"]} == {
        "rianru:facility:wifi", "rianru:facility:computers", "rianru:access:wheelchair",
        "rianru:access:braille",
    }  # fmt: skip
    assert {"@type": "PropertyValue", "propertyID": "rianru:zone", "value": 1} in library[
        "additionalProperty"
    ]
    assert node(graph, "rianru:khon-kaen:space:kku-museum")["identifier"] == "KKU-MUSEUM-1"
    kku = node(graph, "rianru:khon-kaen:partner:kku")
    assert kku["alternateName"] == "KKU" and kku["name"][1]["@value"] == "Khon Kaen University"


def test_exports_hold_no_personal_data(catalogue):
    exported = text_of(export_jsonld(city=catalogue)) + text_of(export_csv(city=catalogue))
    exported += text_of(export_csv(city=catalogue, kind="spaces"))
    assert "somchai@example.org" not in exported and "สมชาย" not in exported


def test_the_opportunities_csv_has_one_row_per_session(catalogue):
    rows = list(csv.DictReader(io.StringIO(text_of(export_csv(city=catalogue)))))
    assert [r["external_id"] for r in rows].count("rianru:khon-kaen:opportunity:silk-workshop") == 3
    course = next(r for r in rows if r["external_id"] == "KKU-DS-101")
    assert course["session_starts_at"] == "" and course["mode"] == "blended"
    first = next(r for r in rows if r["slug"] == "silk-workshop")
    assert first["life_stages"] == "school_age|working_age" and first["sdg_goals"] == "4|8"
    assert first["session_space"] == "rianru:khon-kaen:space:city-library"
    assert first["price_thb"] == "350" and first["hours"] == "2.5" and first["has_certificate"] == "true"


def test_excel_csv_starts_with_a_bom_and_quotes_formulas(catalogue):
    Opportunity.objects.filter(slug="data-course").update(summary_en="=HYPERLINK(1)")
    text = text_of(export_csv(city=catalogue, excel=True))
    assert text.startswith("\ufeffexternal_id,")
    assert "'=HYPERLINK(1)" in text
    assert "\ufeff" not in text_of(export_csv(city=catalogue))
    result = import_text(catalogue, text)  # the apostrophe is taken off again on import
    assert counts(result) == {"created": 0, "updated": 0, "unchanged": 4, "skipped_invalid": 0}


# --- Round trips and idempotence ------------------------------------------------------------------


def test_jsonld_round_trip_into_another_city(catalogue, yala):
    result = import_text(yala, text_of(export_jsonld(city=catalogue)))
    assert counts(result) == {"created": 6, "updated": 0, "unchanged": 0, "skipped_invalid": 0}
    assert snapshot(yala) == snapshot(catalogue)
    assert LearningSpace.objects.get(city=yala, slug="kku-museum").external_id == "KKU-MUSEUM-1"
    copied = LearningSpace.objects.get(city=yala, slug="city-library")
    assert copied.external_id == "rianru:khon-kaen:space:city-library"  # its id in the system it came from
    again = graph_of(yala)
    assert (
        node(again, "rianru:yala:space:city-library")["identifier"] == "rianru:khon-kaen:space:city-library"
    )
    assert len(again) == len(graph_of(catalogue))


def test_csv_round_trip_into_another_city(catalogue, yala):
    spaces = import_text(yala, text_of(export_csv(city=catalogue, kind="spaces")))
    opportunities = import_text(yala, text_of(export_csv(city=catalogue, excel=True)))
    assert counts(spaces)["created"] == 2 and counts(opportunities)["created"] == 4
    assert snapshot(yala) == snapshot(catalogue)


@pytest.mark.parametrize("export", ["jsonld", "csv"])
def test_reimporting_the_same_file_writes_nothing(catalogue, yala, export):
    if export == "jsonld":
        files = [text_of(export_jsonld(city=catalogue))]
    else:
        files = [text_of(export_csv(city=catalogue, kind="spaces")), text_of(export_csv(city=catalogue))]
    for target in (catalogue, yala):  # the city it came from, and another one (after a first import)
        if target == yala:
            for text in files:
                import_text(yala, text)
        before = (
            AuditEvent.objects.count(),
            snapshot(target),
            list(Session.objects.values_list("pk", "updated_at")),
        )
        stamps = list(Opportunity.objects.filter(city=target).values_list("pk", "updated_at"))
        results = [import_text(target, text) for text in files]
        assert sum(r.created + r.updated for r in results) == 0
        assert sum(r.unchanged for r in results) == 6
        assert (
            AuditEvent.objects.count(),
            snapshot(target),
            list(Session.objects.values_list("pk", "updated_at")),
        ) == before
        assert list(Opportunity.objects.filter(city=target).values_list("pk", "updated_at")) == stamps


def test_a_changed_file_updates_rows_and_keeps_matching_sessions(catalogue):
    graph = graph_of(catalogue)
    silk = node(graph, "rianru:khon-kaen:opportunity:silk-workshop")
    silk["name"][1]["@value"] = "Mudmee ikat workshop"
    first, cancelled, elsewhere = silk["subEvent"]
    first["endDate"] = "2030-01-10T12:30:00+07:00"  # same start and space: the same session, updated
    later = {**elsewhere, "startDate": "2030-01-31T13:00:00+07:00", "endDate": "2030-01-31T16:00:00+07:00"}
    silk["subEvent"] = [first, elsewhere, later]
    silk["about"] = [t for t in silk["about"] if t["termCode"] != "8"]
    sessions = {s.starts_at: s.pk for s in Session.objects.filter(opportunity__slug="silk-workshop")}
    audits = AuditEvent.objects.count()

    result = import_text(catalogue, json.dumps({"@context": "https://schema.org", "@graph": graph}))

    assert counts(result) == {"created": 0, "updated": 1, "unchanged": 5, "skipped_invalid": 0}
    row = Opportunity.objects.get(city=catalogue, slug="silk-workshop")
    assert row.title_en == "Mudmee ikat workshop" and row.title_th == "เวิร์กช็อปมัดหมี่"
    assert set(row.sdg_goals.values_list("number", flat=True)) == {4}
    after = {s.starts_at: s for s in row.sessions.all()}
    assert sorted(after) == [at(10, 9), at(24, 13), at(31, 13)]
    assert after[at(10, 9)].pk == sessions[at(10, 9)] and after[at(10, 9)].ends_at == at(10, 12).replace(
        minute=30
    )
    assert after[at(24, 13)].pk == sessions[at(24, 13)]
    actions = set(AuditEvent.objects.order_by("pk")[audits:].values_list("action", flat=True))
    assert actions == {"opportunity_update", "session_update", "session_delete", "session_create"}


def test_a_dry_run_counts_but_writes_nothing(catalogue, yala):
    before = snapshot(yala)
    result = import_text(yala, text_of(export_jsonld(city=catalogue)), dry_run=True)
    assert result.dry_run and result.created == 6
    assert snapshot(yala) == before and not Opportunity.objects.filter(city=yala).exists()


# --- Validation -------------------------------------------------------------------------------------

HEADER = "external_id,kind,title_th,title_en,provider,mode,age_min,age_max,topics,session_starts_at,session_ends_at,session_space,session_registration_opens_at,session_registration_closes_at\n"  # noqa: E501


def opportunities_csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


GOOD = "ext-1,workshop,ทดลอง,Trial,kku,onsite,,,,2030-01-10T09:00:00+07:00,2030-01-10T12:00:00+07:00,,,"


def test_one_bad_record_changes_nothing_unless_valid_only(catalogue):
    text = opportunities_csv(
        GOOD,
        "ext-2,workshop,สอง,Two,kku,onsite,,,,2030-01-11T09:00:00+07:00,2030-01-11T08:00:00+07:00,,,",
        "ext-3,course,สาม,Three,kku,online,,,,,,,,",
    )
    before = snapshot(catalogue), AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, text)
    assert rejected.value.extra["errors"] == [
        {"line": 3, "field": "session_ends_at", "message": "A session must end after it starts."}
    ]
    assert (snapshot(catalogue), AuditEvent.objects.count()) == before

    result = import_text(catalogue, text, valid_only=True)
    assert counts(result) == {"created": 2, "updated": 0, "unchanged": 0, "skipped_invalid": 1}
    assert result.errors[0]["line"] == 3
    assert set(
        Opportunity.objects.filter(city=catalogue, external_id__startswith="ext-")
        .values_list("external_id", flat=True)
    ) == {"ext-1", "ext-3"}  # fmt: skip


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (GOOD.replace(",workshop,", ",seminar,"), "kind",
         "Unknown value “seminar”; use one of: course, workshop, event, online_resource."),
        (GOOD.replace(",kku,", ",nobody,"), "provider", "There is no partner “nobody” in this city."),
        (GOOD.replace("ทดลอง", ""), "title_th", "This field is required."),
        (GOOD.replace("ext-1", ""), "external_id", "A stable identifier is required (external_id)."),
        (GOOD.replace(",,,,2030", ",70,12,,2030"), "age_max",
         "The maximum age must not be below the minimum age."),
        (GOOD.replace(",,,,2030", ",,,knitting,2030"), "topics", "Unknown codes: knitting."),
        (GOOD.replace(",,,,2030", ",ten,,,2030"), "age_min", "Expected a whole number."),
        (GOOD.replace("2030-01-10T09:00:00+07:00", "10/01/2030"), "session_starts_at",
         "Expected an ISO 8601 date and time, e.g. 2026-12-01T09:00:00+07:00."),
        (GOOD[:-3] + ",missing-space,,", "session_space",
         "There is no learning space “missing-space” in this city."),
        (GOOD[:-2] + ",2030-01-05T00:00:00+07:00,2030-01-04T00:00:00+07:00", "session_registration_closes_at",
         "Registration must close after it opens."),
        (GOOD.replace("2030-01-10T09", "0001-01-10T09"), "session_starts_at",
         "Expected an ISO 8601 date and time, e.g. 2026-12-01T09:00:00+07:00."),
        (GOOD.replace(",,,,2030", ",,99999999999999999999,,2030"), "age_max",
         "Ensure this value is less than or equal to 120."),
        (GOOD.replace(",onsite,", ",<b>onsite</b>,"), "mode",
         "Unknown value “<b>onsite</b>”; use one of: online, onsite, blended."),
    ],
)  # fmt: skip
def test_each_error_names_its_line_field_and_reason(catalogue, row, field, message):
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, opportunities_csv(GOOD.replace("ext-1", "ext-0"), row))
    assert rejected.value.extra["errors"] == [{"line": 3, "field": field, "message": message}]


def test_all_errors_are_reported_with_their_physical_lines(catalogue):
    quoted = (
        'ext-9,workshop,"สอง\nบรรทัด",Two,kku,onsite,,,,2030-01-11T09:00:00+07:00,2030-01-11T12:00:00+07:00,,,'
    )
    text = opportunities_csv(
        quoted, GOOD.replace(",kku,", ",nobody,"), GOOD.replace(",kku,", ",nobody,").replace("ext-1", "ext-4")
    )
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, text)
    assert [(e["line"], e["field"]) for e in rejected.value.extra["errors"]] == [
        (4, "provider"),
        (5, "provider"),
    ]


def test_buddhist_era_years_are_converted(catalogue):
    result = import_text(catalogue, opportunities_csv(GOOD.replace("2030-01-10", "2573-01-10")))
    assert result.created == 1
    session = Session.objects.get(opportunity__external_id="ext-1")
    assert session.starts_at == at(10, 9) and session.ends_at == at(10, 12)


def test_rows_of_one_opportunity_must_agree(catalogue):
    second = GOOD.replace("Trial", "Other").replace("2030-01-10", "2030-01-12")
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, opportunities_csv(GOOD, second))
    assert rejected.value.extra["errors"][0]["line"] == 3
    assert rejected.value.extra["errors"][0]["field"] == "title_en"
    assert "line 2" in rejected.value.extra["errors"][0]["message"]


def test_jsonld_errors_name_the_graph_index(catalogue):
    graph = graph_of(catalogue)
    silk = node(graph, "rianru:khon-kaen:opportunity:silk-workshop")
    silk["subEvent"][1]["startDate"] = "soon"
    silk["offers"]["price"] = "cheap"
    graph.append({"@type": "Recipe", "name": "Som tam"})
    graph.append({"@type": "Course", "identifier": "KKU-DS-101", "name": "Copy",
                  "provider": {"@id": "rianru:khon-kaen:partner:kku"}})  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, json.dumps({"@graph": graph}))
    index = graph.index(silk)
    assert rejected.value.extra["errors"] == [
        {"index": index, "field": "offers.price", "message": "Expected a number, e.g. 12.5."},
        {
            "index": index,
            "field": "subEvent[1].startDate",
            "message": "Expected an ISO 8601 date and time, e.g. 2026-12-01T09:00:00+07:00.",
        },
        {
            "index": len(graph) - 2,
            "field": "@type",
            "message": (
                'Unsupported @type "Recipe": use Place, Course or EducationEvent '
                "(Organization is read only for references)."
            ),
        },
        {
            "index": len(graph) - 1,
            "field": "identifier",
            "message": (
                "The identifier is used twice (first at index "
                f"{graph.index(node(graph, 'rianru:khon-kaen:opportunity:data-course'))})."
            ),
        },
    ]


def test_cross_city_references_are_refused(catalogue, yala):
    """A Yala file may not name Khon Kaen's spaces or partners, by Rianru id, slug or external id."""
    PartnerFactory(city=catalogue, slug="kk-only")
    rows = [
        GOOD[:-3] + ",rianru:khon-kaen:space:city-library,,",
        GOOD.replace("ext-1", "ext-2")[:-3] + ",KKU-MUSEUM-1,,",
        GOOD.replace("ext-1", "ext-3").replace(",kku,", ",kk-only,"),
        GOOD.replace("ext-1", "ext-4").replace(",kku,", ",rianru:khon-kaen:partner:kk-only,"),
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_text(yala, opportunities_csv(*rows))
    assert [(e["line"], e["field"]) for e in rejected.value.extra["errors"]] == [
        (2, "session_space"), (3, "session_space"), (4, "provider"), (5, "provider"),
    ]  # fmt: skip
    assert not Opportunity.objects.filter(city=yala).exists()


def test_html_and_sql_are_stored_as_text_and_escaped_on_pages(client, catalogue):
    title = "</script><script>alert(1)</script>'; DROP TABLE catalogue_opportunity; --"
    row = GOOD.replace("Trial", '"' + title + '"').replace("ext-1", "ext-html")
    import_text(catalogue, opportunities_csv(row))
    opportunity = Opportunity.objects.get(city=catalogue, external_id="ext-html")
    assert opportunity.title_en == title
    response = client.get(url("catalogue:opportunity_detail", "en", city="khon-kaen", slug=opportunity.slug))
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert html.count("</script>") == html.count("<script")  # no text closed a script early
    page = parse_response(response)
    embedded = json.loads(page.select_one('script[type="application/ld+json"]').text)
    assert embedded["@graph"][0]["name"][1]["@value"] == title


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n", "The file is empty."),
        (bytes(range(256)) * 4, "The file is not UTF-8 text (byte 128). Save it as UTF-8 CSV or JSON."),
        (b"\x00\x01\x02binary", "The file holds binary data, not text."),
        (b'{"@graph": [1', "The file is not valid JSON (line 1, column 14): Expecting ',' delimiter."),
        (b"[" * 100_000, "The file's JSON is nested too deeply."),
        (b'{"hello": "world"}',
         "The file is JSON but not a JSON-LD catalogue: expected an object with an @graph list."),
        (b"name,age\nsomchai,40\n",
         "The first line must name the columns: a spaces file has name_th, an opportunities file title_th "
         "(see docs/catalogue-format.md)."),
        (b"external_id,name_th,colour\n",
         "The columns do not fit a file of learning spaces (unknown columns: colour; "
         "missing columns: kind, latitude, longitude, name_en, owner)."),
        (b'title_th,"unterminated\n',
         "The columns do not fit a file of learning opportunities (unknown columns: unterminated; "
         "missing columns: external_id, kind, mode, provider, title_en)."),
    ],
)  # fmt: skip
def test_malformed_files_are_refused_cleanly(catalogue, data, message):
    before = snapshot(catalogue)
    with pytest.raises(ValidationFailed) as refused:
        catalogue_import(actor=None, city=catalogue, data=data)
    assert str(refused.value.message) == message
    assert refused.value.code == "malformed_file"
    assert snapshot(catalogue) == before


def test_absurd_numbers_are_errors_not_crashes(catalogue):
    header = "external_id,kind,name_th,name_en,owner,latitude,longitude\n"
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, header + "s-1,park,สวน,Park,kku,1e30,NaN\n")
    errors = sorted((e["line"], e["field"]) for e in rejected.value.extra["errors"])
    assert errors == [(2, "latitude"), (2, "longitude")]
    graph = [
        {
            "@type": "Course",
            "identifier": "c-1",
            "name": "x",
            "provider": "kku",
            "timeRequired": "P99999999999999999999999999999D",
        }
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_text(catalogue, json.dumps(graph))
    assert rejected.value.extra["errors"] == [
        {"index": 0, "field": "timeRequired", "message": "Expected an ISO 8601 duration, e.g. PT3H30M."}
    ]


def test_new_rows_never_share_a_slug(catalogue):
    """This city's own id keeps its slug; a foreign record wanting the same slug gets another one."""
    rows = [
        GOOD.replace("ext-1", "foreign-1").replace("Trial", "Ghost"),
        GOOD.replace("ext-1", "rianru:khon-kaen:opportunity:ghost"),
        GOOD.replace("ext-1", "foreign-2").replace("Trial", "Mudmee silk workshop"),
    ]
    result = import_text(catalogue, opportunities_csv(*rows))
    assert result.created == 3
    titles = ["Ghost", "Trial", "Mudmee silk workshop"]
    slugs = set(Opportunity.objects.filter(title_en__in=titles).values_list("external_id", "slug"))
    assert slugs == {
        ("foreign-1", "ghost-2"),
        ("", "ghost"),
        ("foreign-2", "mudmee-silk-workshop"),
        ("", "silk-workshop"),
    }


def test_a_utf8_bom_is_accepted(catalogue):
    result = catalogue_import(
        actor=None, city=catalogue, data=b"\xef\xbb\xbf" + opportunities_csv(GOOD).encode()
    )
    assert result.created == 1


def test_size_and_record_limits(catalogue, settings):
    settings.RIANRU_CATALOGUE_IMPORT_MAX_BYTES = 100
    with pytest.raises(TooLarge):
        import_text(catalogue, opportunities_csv(GOOD, GOOD))
    settings.RIANRU_CATALOGUE_IMPORT_MAX_BYTES = 10_000_000
    settings.RIANRU_CATALOGUE_IMPORT_MAX_RECORDS = 3
    with pytest.raises(ValidationFailed, match="at most 3"):
        import_text(catalogue, text_of(export_jsonld(city=catalogue)))
    with pytest.raises(ValidationFailed, match="more than 3 rows"):
        import_text(catalogue, text_of(export_csv(city=catalogue)))


def test_only_city_staff_may_import(catalogue, yala):
    users = get_user_model().objects
    staff = users.create_user(username="kk-staff", is_staff=True)
    CityMembership.objects.create(user=staff, city=catalogue)
    partner_admin = users.create_user(username="kku-admin", is_staff=True)
    CityMembership.objects.create(
        user=partner_admin,
        city=catalogue,
        role="partner_admin",
        partner=Partner.objects.get(city=catalogue, slug="kku"),
    )
    text = opportunities_csv(GOOD)
    assert import_text(catalogue, text, dry_run=True).created == 1  # the system (CLI)
    assert catalogue_import(actor=staff, city=catalogue, data=text.encode(), dry_run=True).created == 1
    for actor, city in [
        (staff, yala),
        (partner_admin, catalogue),
        (users.create_user(username="x"), catalogue),
    ]:
        with pytest.raises(NotAllowed):
            catalogue_import(actor=actor, city=city, data=text.encode())


# --- Pages ------------------------------------------------------------------------------------------


def embedded(page) -> dict:
    scripts = page.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    document = json.loads(scripts[0].text)
    assert document["@context"] == "https://schema.org"
    return document


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_embed_their_json_ld(client, catalogue, language):
    page = get_page(
        client,
        url("catalogue:opportunity_detail", language, city="khon-kaen", slug="silk-workshop"),
        language,
    )
    event, provider = embedded(page)["@graph"]
    assert event["@type"] == "EducationEvent" and provider["@type"] == "Organization"
    assert [n["@language"] for n in event["name"]] == ["th", "en"]
    assert event["url"] == "http://testserver" + url(
        "catalogue:opportunity_detail", language, city="khon-kaen", slug="silk-workshop"
    )
    assert event["subEvent"][0]["location"]["name"][0]["@value"] == "ห้องสมุดประชาชน"  # the place, inline

    page = get_page(
        client, url("catalogue:space_detail", language, city="khon-kaen", slug="city-library"), language
    )
    place, owner = embedded(page)["@graph"]
    assert place["@type"] == "Place" and place["name"][1]["@value"] == "City library"
    assert owner["@id"] == "rianru:khon-kaen:partner:library-network"

    page = get_page(client, url("web:partner_detail", language, city="khon-kaen", slug="kku"), language)
    (organisation,) = embedded(page)["@graph"]
    assert organisation["@type"] == "Organization"
    assert [n["@value"] for n in organisation["name"]][1] == "Khon Kaen University"


# --- API --------------------------------------------------------------------------------------------


def test_the_api_exports_json_ld_and_csv(client, catalogue):
    response = client.get("/api/v1/cities/khon-kaen/catalogue.jsonld", headers={"accept-language": "en"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    graph = json.loads(b"".join(response.streaming_content))["@graph"]
    silk = node(graph, "rianru:khon-kaen:opportunity:silk-workshop")
    assert silk["url"] == "http://testserver/khon-kaen/opportunities/silk-workshop/"  # the default language
    response = client.get("/api/v1/cities/khon-kaen/catalogue.csv?kind=spaces&excel=true")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content).decode().startswith("\ufeffexternal_id,slug,kind,name_th")
    assert client.get("/api/v1/cities/khon-kaen/catalogue.csv?kind=people").status_code == 400
    missing = client.get("/api/v1/cities/atlantis/catalogue.jsonld")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


IMPORT = "/api/v1/cities/khon-kaen/catalogue/import"


def test_api_import_needs_city_staff(client, catalogue, yala):
    body = opportunities_csv(GOOD)
    anonymous = client.post(IMPORT, body, content_type="text/csv")
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == "application/problem+json"
    users = get_user_model().objects
    outsider = users.create_user(username="yala-staff", is_staff=True)
    CityMembership.objects.create(user=outsider, city=yala)
    client.force_login(outsider)
    refused = client.post(IMPORT, body, content_type="text/csv")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not Opportunity.objects.filter(external_id="ext-1").exists()

    client.force_login(users.create_superuser(username="root"))
    created = client.post(IMPORT, body, content_type="text/csv")
    assert created.status_code == 200, created.content
    assert created.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped_invalid": 0,
        "dry_run": False,
        "errors": [],
    }
    again = client.post(IMPORT + "?format=csv", {"file": io.BytesIO(body.encode())})  # a multipart form
    assert again.json()["unchanged"] == 1
    plain = client.post(IMPORT, body, content_type="application/x-www-form-urlencoded")  # curl --data-binary
    assert plain.status_code == 200 and plain.json()["unchanged"] == 1


def test_api_import_refuses_without_a_csrf_token(catalogue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(get_user_model().objects.create_superuser(username="root"))
    response = client.post(IMPORT, opportunities_csv(GOOD), content_type="text/csv")
    assert response.status_code == 403
    assert not Opportunity.objects.filter(external_id="ext-1").exists()


def test_api_import_reports_errors_as_a_problem(client, catalogue):
    client.force_login(get_user_model().objects.create_superuser(username="root"))
    bad = opportunities_csv(GOOD, GOOD.replace("ext-1", "ext-2").replace(",kku,", ",nobody,"))
    response = client.post(IMPORT, bad, content_type="text/csv")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "import_invalid" and problem["invalid_records"] == 1
    # The API's paths carry no language prefix: like every unprefixed path, it answers in Thai.
    assert problem["errors"] == [{"line": 3, "field": "provider", "message": "ไม่มีภาคี “nobody” ในเมืองนี้"}]
    assert not Opportunity.objects.filter(external_id__in=["ext-1", "ext-2"]).exists()

    partial = client.post(IMPORT + "?valid_only=true&dry_run=true", bad, content_type="text/csv")
    assert partial.status_code == 200 and partial.json()["created"] == 1 and partial.json()["dry_run"] is True
    assert not Opportunity.objects.filter(external_id="ext-1").exists()

    garbage = client.post(IMPORT, bytes(range(256)), content_type="application/octet-stream")
    assert garbage.status_code == 400 and garbage.json()["code"] == "malformed_file"
    assert client.post(IMPORT + "?format=xml", bad, content_type="text/csv").status_code == 400
