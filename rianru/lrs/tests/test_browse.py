"""Reads for the pages above the LRS: who reads what (Reader), keyset paging both ways,
participation counts."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from rianru.lrs import selectors
from rianru.lrs.models import Statement
from rianru.lrs.permissions import Reader, reader_of_credential, statement_reader
from rianru.lrs.presentation import ADL, verb_label
from rianru.lrs.selectors import StatementQuery
from rianru.lrs.services import statements_store
from rianru.lrs.tests.helpers import make_credential, statement
from rianru.network.models import CityMembership
from rianru.network.tests.factories import CityFactory, PartnerFactory

pytestmark = pytest.mark.django_db

WEAVING = "https://rianru.org/khon-kaen/opportunities/weaving"
POTTERY = "https://rianru.org/khon-kaen/opportunities/pottery"


def store(credential, *statements):
    return statements_store(credential=credential, statements=list(statements), xapi_version="2.0.0")


def learner(n: int) -> dict:
    return {"objectType": "Agent", "mbox": f"mailto:learner{n}@example.org"}


def verb(name: str) -> dict:
    return {"id": ADL + name, "display": {"en-US": name}}


@pytest.fixture
def two_partners(db):
    city = CityFactory(slug="khon-kaen")
    library, museum = PartnerFactory(city=city, slug="library"), PartnerFactory(city=city, slug="museum")
    return make_credential(library)[0], make_credential(museum)[0]


def ids(rows) -> list[str]:
    return [str(row.statement_id) for row in rows]


def test_a_partner_reader_sees_only_its_partners_statements_and_city_staff_all(two_partners):
    library, museum = two_partners
    [mine] = store(library, statement())
    [theirs] = store(museum, statement())
    city_id = library.city_id
    rows, more = selectors.statements_browse(
        reader=Reader(city_id, library.partner_id), query=StatementQuery()
    )
    assert ids(rows) == [mine] and more is False
    rows, _more = selectors.statements_browse(reader=Reader(city_id), query=StatementQuery())
    assert ids(rows) == [theirs, mine]
    assert (
        selectors.statement_for_reader(reader=Reader(city_id, library.partner_id), statement_id=theirs)
        is None
    )
    assert selectors.statement_for_reader(reader=Reader(city_id), statement_id=theirs) is not None


def test_another_city_reads_nothing(two_partners):
    library, _museum = two_partners
    [sid] = store(library, statement())
    other = CityFactory(slug="yala")
    assert selectors.statements_browse(reader=Reader(other.pk), query=StatementQuery())[0] == []
    assert selectors.statement_for_reader(reader=Reader(other.pk), statement_id=sid) is None


def test_a_credential_reads_as_its_scopes_say(two_partners):
    library, _museum = two_partners
    mine_only = make_credential(library.partner, scopes=("statements/read/mine",))[0]
    assert reader_of_credential(mine_only) == Reader(library.city_id, library.partner_id)
    assert reader_of_credential(library) == Reader(library.city_id)  # scope "all"


def test_keyset_paging_older_and_newer(two_partners):
    library, _museum = two_partners
    stored = [store(library, statement(actor=learner(n)))[0] for n in range(5)]
    newest_first = list(reversed(stored))
    reader = Reader(library.city_id)
    page1, more = selectors.statements_browse(reader=reader, query=StatementQuery(), limit=2)
    assert ids(page1) == newest_first[:2] and more
    after = (page1[-1].stored, page1[-1].pk)
    page2, more = selectors.statements_browse(reader=reader, query=StatementQuery(after=after), limit=2)
    assert ids(page2) == newest_first[2:4] and more
    after = (page2[-1].stored, page2[-1].pk)
    page3, more = selectors.statements_browse(reader=reader, query=StatementQuery(after=after), limit=2)
    assert ids(page3) == newest_first[4:] and not more
    # back: the page of newer statements before the first row of page 3 is page 2, in the same order
    before = (page3[0].stored, page3[0].pk)
    back, more = selectors.statements_browse(reader=reader, query=StatementQuery(), limit=2, before=before)
    assert ids(back) == ids(page2) and more
    before = (back[0].stored, back[0].pk)
    back, more = selectors.statements_browse(reader=reader, query=StatementQuery(), limit=2, before=before)
    assert ids(back) == ids(page1) and not more


def test_several_spellings_of_one_activity_are_one_filter(two_partners):
    library, _museum = two_partners
    a = store(library, statement(object={"id": WEAVING}))[0]
    b = store(library, statement(object={"id": WEAVING + "/"}))[0]
    store(library, statement(object={"id": POTTERY}))
    reader = Reader(library.city_id)
    rows, _ = selectors.statements_browse(
        reader=reader, query=StatementQuery(activities=(WEAVING, WEAVING + "/"))
    )
    assert ids(rows) == [b, a]
    # with an agent filter the activities are a condition, not the walked index
    agent_key = "mbox:mailto:somsri@example.org"
    query = StatementQuery(agent_key=agent_key, activities=(WEAVING, WEAVING + "/"))
    assert ids(selectors.statements_browse(reader=reader, query=query)[0]) == [b, a]
    # the xAPI door's single activity still works
    assert ids(selectors.statements_browse(reader=reader, query=StatementQuery(activity=WEAVING))[0]) == [a]


def test_participation_counts_distinct_actors_per_verb(two_partners):
    library, museum = two_partners
    store(
        library,
        statement(actor=learner(1), verb=verb("attempted"), object={"id": WEAVING}),
        statement(actor=learner(1), verb=verb("completed"), object={"id": WEAVING}),
        statement(actor=learner(2), verb=verb("attempted"), object={"id": WEAVING + "/"}),
        statement(actor=learner(2), verb=verb("attempted"), object={"id": WEAVING}),
        statement(actor=learner(3), verb=verb("attempted"), object={"id": POTTERY}),  # another activity
        # the activity only in the context: not a statement about it
        statement(
            actor=learner(4),
            verb=verb("attempted"),
            object={"id": POTTERY},
            context={"contextActivities": {"parent": [{"id": WEAVING}]}},
        ),
    )
    # another partner's statements about the same activity count too
    [voided_target] = store(
        museum, statement(actor=learner(5), verb=verb("completed"), object={"id": WEAVING})
    )
    store(museum, statement(actor=learner(6), verb=verb("passed"), object={"id": WEAVING}))
    store(
        museum,
        statement(
            actor=learner(5),
            verb={"id": ADL + "voided", "display": {"en-US": "voided"}},
            object={"objectType": "StatementRef", "id": voided_target},
        ),
    )
    assert Statement.objects.get(statement_id=voided_target).voided
    result = selectors.activity_participation(city_id=library.city_id, activity_ids=[WEAVING, WEAVING + "/"])
    assert result.actors == 3  # learners 1, 2 and 6 (5's statement is voided)
    assert result.statements == 5
    assert [(v.verb_id.rsplit("/", 1)[1], v.actors, v.statements) for v in result.verbs] == [
        ("attempted", 2, 3),
        ("completed", 1, 1),
        ("passed", 1, 1),
    ]
    only_one_spelling = selectors.activity_participation(city_id=library.city_id, activity_ids=[WEAVING])
    assert only_one_spelling.statements == 4
    nothing = selectors.activity_participation(
        city_id=library.city_id, activity_ids=["https://example.org/none"]
    )
    assert (nothing.actors, nothing.statements, nothing.verbs) == (0, 0, [])
    assert selectors.activity_participation(city_id=library.city_id, activity_ids=[]).statements == 0


def test_participation_never_crosses_cities(two_partners):
    library, _museum = two_partners
    store(library, statement(object={"id": WEAVING}))
    other = make_credential(PartnerFactory(city=CityFactory(slug="yala")))[0]
    store(other, statement(object={"id": WEAVING}), statement(actor=learner(9), object={"id": WEAVING}))
    assert selectors.activity_participation(city_id=library.city_id, activity_ids=[WEAVING]).statements == 1
    assert selectors.activity_participation(city_id=other.city_id, activity_ids=[WEAVING]).actors == 2


def test_anonymous_groups_are_not_counted_as_learners(two_partners):
    library, _museum = two_partners
    group = {"objectType": "Group", "member": [learner(1), learner(2)]}
    store(
        library,
        statement(actor=group, object={"id": WEAVING}),
        statement(actor=learner(3), object={"id": WEAVING}),
    )
    result = selectors.activity_participation(city_id=library.city_id, activity_ids=[WEAVING])
    assert (result.actors, result.statements) == (1, 2)


def test_participation_query_count(two_partners, django_assert_num_queries):
    library, _museum = two_partners
    store(library, *[statement(actor=learner(n), object={"id": WEAVING}) for n in range(20)])
    with django_assert_num_queries(2):
        selectors.activity_participation(city_id=library.city_id, activity_ids=[WEAVING, WEAVING + "/"])


# --- who may read the statement browser ----------------------------------------------------------------


@pytest.fixture
def people(two_partners):
    library, museum = two_partners
    city = library.city
    User = get_user_model()
    staff = User.objects.create_user("staff", password="x")
    CityMembership.objects.create(user=staff, city=city, role=CityMembership.Role.CITY_STAFF)
    admin = User.objects.create_user("library-admin", password="x")
    CityMembership.objects.create(
        user=admin, city=city, role=CityMembership.Role.PARTNER_ADMIN, partner=library.partner
    )
    return {
        "city": city,
        "library": library.partner,
        "staff": staff,
        "partner_admin": admin,
        "superuser": User.objects.create_superuser("root", password="x"),
        "nobody": User.objects.create_user("nobody", password="x"),
    }


def test_statement_reader_per_role(people):
    city = people["city"]
    assert statement_reader(people["superuser"], city) == Reader(city.pk)
    assert statement_reader(people["staff"], city) == Reader(city.pk)
    assert statement_reader(people["partner_admin"], city) == Reader(city.pk, people["library"].pk)
    assert statement_reader(people["nobody"], city) is None
    other_city = CityFactory(slug="yala")
    assert statement_reader(people["staff"], other_city) is None
    assert statement_reader(people["partner_admin"], other_city) is None
    assert statement_reader(people["superuser"], other_city) == Reader(other_city.pk)
    people["staff"].is_active = False
    assert statement_reader(people["staff"], city) is None
    from django.contrib.auth.models import AnonymousUser

    assert statement_reader(AnonymousUser(), city) is None


@pytest.mark.parametrize(
    ("verb_id", "display", "language", "label"),
    [
        (
            ADL + "completed",
            {"en-US": "completed", "th": "สำเร็จ"},
            "th",
            "สำเร็จ",
        ),  # the statement's Thai wins
        (ADL + "completed", {"en-US": "finished"}, "en", "finished"),
        (ADL + "completed", None, "en", "completed"),  # well-known verb
        ("https://example.org/verbs/knitted", {"en-GB": "knitted"}, "th", "knitted"),  # any language
        ("https://example.org/verbs/knitted", None, "th", "knitted"),  # the IRI's last part
        ("https://example.org/verbs#wove", None, "en", "wove"),
    ],
)
def test_verb_labels(verb_id, display, language, label):
    from django.utils import translation

    with translation.override(language):
        assert verb_label(verb_id, display) == label


def test_browse_ignores_voided_statements(two_partners):
    library, _museum = two_partners
    [target] = store(library, statement())
    [voiding] = store(
        library,
        statement(
            verb={"id": ADL + "voided", "display": {"en-US": "voided"}},
            object={"objectType": "StatementRef", "id": target},
        ),
    )
    rows, _ = selectors.statements_browse(reader=Reader(library.city_id), query=StatementQuery())
    assert ids(rows) == [voiding]
    # the detail still finds the voided one (it shows it as voided)
    assert selectors.statement_for_reader(reader=Reader(library.city_id), statement_id=target).voided


def test_browse_since_and_until(two_partners):
    library, _museum = two_partners
    [sid] = store(library, statement())
    stored = Statement.objects.get(statement_id=sid).stored
    reader = Reader(library.city_id)
    second = dt.timedelta(seconds=1)
    assert ids(
        selectors.statements_browse(reader=reader, query=StatementQuery(since=stored - second))[0]
    ) == [sid]
    assert selectors.statements_browse(reader=reader, query=StatementQuery(since=stored))[0] == []
    assert ids(selectors.statements_browse(reader=reader, query=StatementQuery(until=stored))[0]) == [sid]
    assert selectors.statements_browse(reader=reader, query=StatementQuery(until=stored - second))[0] == []


def test_paging_through_several_spellings_merges_them_in_order(two_partners):
    library, _museum = two_partners
    spellings = (WEAVING, WEAVING + "/", WEAVING.replace("https:", "http:"))
    stored = [store(library, statement(object={"id": spellings[n % 3]}))[0] for n in range(7)]
    store(library, statement(object={"id": POTTERY}))
    newest_first = list(reversed(stored))
    reader, seen, after = Reader(library.city_id), [], None
    while True:
        rows, more = selectors.statements_browse(
            reader=reader, query=StatementQuery(activities=spellings, after=after), limit=3
        )
        seen += ids(rows)
        if not more:
            break
        after = (rows[-1].stored, rows[-1].pk)
    assert seen == newest_first
    before = (rows[0].stored, rows[0].pk)
    back, more = selectors.statements_browse(
        reader=reader, query=StatementQuery(activities=spellings), before=before, limit=3
    )
    assert ids(back) == newest_first[3:6] and more
