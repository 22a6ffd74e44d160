"""The index follows the database: rebuild, the change feed, and changes that come with time."""

import datetime as dt

import pytest
from django.utils import timezone

from rianru.catalogue.models import Opportunity
from rianru.catalogue.tests.factories import (
    LearningSpaceFactory,
    OpportunityFactory,
    SessionFactory,
    TopicFactory,
)
from rianru.network.tests.factories import CityFactory, PartnerFactory
from rianru.search import indexer, selectors
from rianru.search.forms import search_params
from rianru.search.index import read_state
from rianru.search.models import SearchChange

pytestmark = pytest.mark.django_db


def found(city, q="", **filters):
    params = search_params({"q": q, **filters}, city=city)
    return {(hit.type, hit.pk) for hit in selectors.search(city=city, params=params).hits}


def test_rebuild_indexes_public_rows_only(city, search_index):
    published = OpportunityFactory(city=city, title_en="Pottery for beginners")
    SessionFactory(opportunity=published)
    OpportunityFactory(city=city, title_en="Pottery draft", status=Opportunity.Status.DRAFT)
    space = LearningSpaceFactory(city=city, name_en="Pottery studio")
    outcome = search_index.build()
    assert outcome.added >= 3  # the opportunity, the space and the partners
    assert found(city, "pottery") == {("opportunity", published.pk), ("space", space.pk)}
    assert read_state()["change_id"] == SearchChange.objects.order_by("-id").first().id


def test_an_edit_is_searchable_after_one_catch_up(city, search_index):
    opportunity = OpportunityFactory(city=city, title_en="Basket weaving")
    SessionFactory(opportunity=opportunity)
    search_index.build()
    assert found(city, "kayaking") == set()
    opportunity.title_en = "Kayaking on Bueng Kaen Nakhon"
    opportunity.save()
    outcome = search_index.catch_up()
    assert outcome.added >= 1
    assert found(city, "kayaking") == {("opportunity", opportunity.pk)}
    assert found(city, "basket") == set()


def test_deleted_and_unpublished_rows_leave_the_index(city, search_index):
    gone = OpportunityFactory(city=city, title_en="Calligraphy")
    hidden = OpportunityFactory(city=city, title_en="Calligraphy advanced")
    for opportunity in (gone, hidden):
        SessionFactory(opportunity=opportunity)
    search_index.build()
    assert len(found(city, "calligraphy")) == 2
    gone.delete()
    hidden.status = Opportunity.Status.DRAFT
    hidden.save()
    search_index.catch_up()
    assert found(city, "calligraphy") == set()


def test_related_changes_reach_the_documents_that_show_them(city, search_index):
    partner = PartnerFactory(city=city, name_en="Old name foundation")
    space = LearningSpaceFactory(city=city, owner=partner, is_accessible=False)
    opportunity = OpportunityFactory(city=city, provider=partner, title_en="Drawing class")
    SessionFactory(opportunity=opportunity, space=space)
    search_index.build()
    assert found(city, "drawing", accessible="true") == set()
    partner.name_en = "Renamed arts foundation"
    partner.save()
    space.is_accessible = True
    space.save()
    opportunity.topics.add(TopicFactory(name_en="Printmaking"))
    search_index.catch_up()
    assert ("opportunity", opportunity.pk) in found(city, "renamed")
    assert found(city, "drawing", accessible="true") == {("opportunity", opportunity.pk)}
    assert found(city, "printmaking") == {("opportunity", opportunity.pk)}


def test_time_moves_opportunities_out_of_the_live_set(city, search_index):
    now = timezone.now()
    opportunity = OpportunityFactory(city=city, title_en="Evening astronomy")
    SessionFactory(
        opportunity=opportunity, starts_at=now + dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2)
    )
    search_index.build(now=now)
    assert found(city, "astronomy") == {("opportunity", opportunity.pk)}
    search_index.catch_up(now=now + dt.timedelta(hours=3))  # the only session has ended
    assert found(city, "astronomy") == set()


def test_registration_opening_is_picked_up_without_any_edit(city, search_index):
    now = timezone.now()
    opportunity = OpportunityFactory(city=city, title_en="Robotics camp")
    SessionFactory(
        opportunity=opportunity,
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=3),
        registration_opens_at=now + dt.timedelta(hours=1),
        registration_closes_at=now + dt.timedelta(days=9),
    )
    search_index.build(now=now)
    assert found(city, "robotics", open_now="true") == set()
    search_index.catch_up(now=now + dt.timedelta(hours=2))
    # The search itself reads the index: "open now" was recomputed when the window opened.
    assert found(city, "robotics", open_now="true") == {("opportunity", opportunity.pk)}


def test_an_index_of_another_dictionary_is_rebuilt(city, search_index):
    OpportunityFactory(city=city, title_en="Ceramics")
    search_index.build()
    state = read_state()
    state["dictionary"] = "something-else"
    from rianru.search.index import write_state

    write_state(state)
    assert indexer.needs_rebuild()
    search_index.catch_up()
    assert not indexer.needs_rebuild()


def test_cities_do_not_see_each_others_documents(city, search_index):
    other = CityFactory(slug="yala")
    mine = OpportunityFactory(city=city, title_en="Silk dyeing")
    theirs = OpportunityFactory(city=other, title_en="Silk dyeing")
    for opportunity in (mine, theirs):
        SessionFactory(opportunity=opportunity)
    search_index.build()
    assert found(city, "silk") == {("opportunity", mine.pk)}
    assert found(other, "silk") == {("opportunity", theirs.pk)}


def test_old_changes_are_pruned(city, search_index):
    OpportunityFactory(city=city)
    SearchChange.objects.update(created_at=timezone.now() - dt.timedelta(days=3))
    assert indexer.prune_changes() >= 1
    assert not SearchChange.objects.exists()


def test_results_are_reused_until_another_writer_commits(city, search_index, settings):
    """The result cache is keyed by the index generation: a commit by another process ends its entries."""
    import time

    from rianru.search import documents
    from rianru.search.index import READER_CHECK_SECONDS, open_index, writer

    settings.RIANRU_SEARCH_RESULT_CACHE = True
    opportunity = OpportunityFactory(city=city, title_en="Basket weaving")
    SessionFactory(opportunity=opportunity)
    search_index.build()
    params = search_params({"q": "basket"}, city=city)
    first = selectors.search(city=city, params=params)
    assert selectors.search(city=city, params=params) is first  # reused
    assert selectors.search(city=city, params=search_params({"q": "basket", "page_size": "5"},
                                                                         city=city)) is not first  # fmt: skip
    opportunity.title_en = "Basket weaving and kayaking"
    opportunity.save()
    # Commit the way the indexer of another server process does, without telling this process's reader.
    with writer(open_index(search_index.path)) as index_writer:
        index_writer.delete_documents_by_term("key", documents.key("opportunity", opportunity.pk))
        [(_pk, doc)] = documents.BUILDERS["opportunity"]([opportunity.pk], timezone.now())
        index_writer.add_document(doc.to_tantivy())
        index_writer.commit()
    time.sleep(READER_CHECK_SECONDS * 2)
    fresh = selectors.search(city=city, params=params)
    assert fresh is not first
    assert fresh.hits[0].obj.title_en == "Basket weaving and kayaking"
    assert found(city, "kayaking") == {("opportunity", opportunity.pk)}


def test_without_the_result_cache_every_search_is_computed(city, search_index, settings):
    settings.RIANRU_SEARCH_RESULT_CACHE = False
    OpportunityFactory(city=city, title_en="Basket weaving")
    search_index.build()
    params = search_params({"q": "basket"}, city=city)
    first = selectors.search(city=city, params=params)
    again = selectors.search(city=city, params=params)
    assert again is not first
    assert [hit.pk for hit in again.hits] == [hit.pk for hit in first.hits]
