import datetime as dt

import pytest
from django.utils import timezone

from rianru.catalogue import selectors
from rianru.catalogue.models import Opportunity
from rianru.catalogue.tests.factories import OpportunityFactory, SessionFactory
from rianru.network.tests.factories import CityFactory

pytestmark = pytest.mark.django_db


def test_live_means_published_with_an_upcoming_session_or_an_always_available_online_resource():
    city = CityFactory()
    now = timezone.now()

    def opportunity(slug, *, sessions=(), **fields):
        item = OpportunityFactory(city=city, slug=slug, **fields)
        for starts, cancelled in sessions:
            SessionFactory(opportunity=item, starts_at=now + starts, is_cancelled=cancelled)
        return item

    hour, day = dt.timedelta(hours=1), dt.timedelta(days=1)
    opportunity("upcoming", sessions=[(day, False)])
    opportunity("running-now", sessions=[(-hour, False)])  # started an hour ago, ends in two
    opportunity("resource", kind=Opportunity.Kind.ONLINE_RESOURCE)
    opportunity("past", sessions=[(-10 * day, False)])
    opportunity("cancelled-session", sessions=[(day, True)])
    opportunity("draft", sessions=[(day, False)], status=Opportunity.Status.DRAFT)
    opportunity("cancelled", sessions=[(day, False)], status=Opportunity.Status.CANCELLED)
    opportunity("no-sessions-workshop")
    opportunity(
        "resource-with-past-webinar", kind=Opportunity.Kind.ONLINE_RESOURCE, sessions=[(-10 * day, False)]
    )
    OpportunityFactory(slug="other-city", kind=Opportunity.Kind.ONLINE_RESOURCE)

    live = selectors.live_opportunities(city=city, now=now)

    assert set(live.values_list("slug", flat=True)) == {"upcoming", "running-now", "resource"}


def test_registration_status():
    now = timezone.now()
    session = SessionFactory(starts_at=now + dt.timedelta(days=3))
    assert selectors.registration_status(session, now) == "open"
    session.registration_opens_at = now + dt.timedelta(days=1)
    assert selectors.registration_status(session, now) == "not_yet"
    session.registration_opens_at, session.registration_closes_at = (
        now - dt.timedelta(days=2),
        now - dt.timedelta(days=1),
    )
    assert selectors.registration_status(session, now) == "closed"
    session.is_cancelled = True
    assert selectors.registration_status(session, now) == "cancelled"
