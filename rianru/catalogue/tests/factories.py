import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from rianru.catalogue.models import LearningSpace, Opportunity, Session, Topic
from rianru.network.tests.factories import CityFactory, PartnerFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name_th = factory.Sequence(lambda n: f"หัวข้อ {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class LearningSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningSpace

    city = factory.SubFactory(CityFactory)
    owner = factory.SubFactory(PartnerFactory, city=factory.SelfAttribute("..city"))
    slug = factory.Sequence(lambda n: f"space-{n}")
    name_th = factory.Sequence(lambda n: f"ห้องสมุดชุมชน {n}")
    name_en = factory.Sequence(lambda n: f"Community library {n}")
    kind = LearningSpace.Kind.LIBRARY
    latitude = Decimal("16.430000")
    longitude = Decimal("102.830000")


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    city = factory.SubFactory(CityFactory)
    provider = factory.SubFactory(PartnerFactory, city=factory.SelfAttribute("..city"))
    slug = factory.Sequence(lambda n: f"opportunity-{n}")
    kind = Opportunity.Kind.WORKSHOP
    title_th = factory.Sequence(lambda n: f"เวิร์กช็อปทอผ้าไหม {n}")
    title_en = factory.Sequence(lambda n: f"Silk weaving workshop {n}")
    description_th = "เรียนรู้การทอผ้าไหมมัดหมี่จากปราชญ์ชาวบ้าน"
    description_en = "Learn mudmee silk weaving from a local master."
    mode = Opportunity.Mode.ONSITE
    hours = Decimal("3.0")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    opportunity = factory.SubFactory(OpportunityFactory)
    city = factory.SelfAttribute("opportunity.city")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=3))
    capacity = 20
