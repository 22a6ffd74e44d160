import datetime as dt
from decimal import Decimal

import factory

from rianru.network.models import City, Community, Mou, Partner, PartnerContact, Sector, Zone


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"city-{n}")
    name_th = factory.Sequence(lambda n: f"เมืองทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test City {n}")
    population = 100_000
    population_year = 2024
    gnlc_member_since = dt.date(2024, 2, 14)
    latitude = Decimal("16.441900")
    longitude = Decimal("102.836000")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    city = factory.SubFactory(CityFactory)
    number = factory.Sequence(lambda n: n + 1)
    name_th = factory.LazyAttribute(lambda z: f"เขต {z.number}")
    name_en = factory.LazyAttribute(lambda z: f"Zone {z.number}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    zone = factory.SubFactory(ZoneFactory)
    city = factory.SelfAttribute("zone.city")
    slug = factory.Sequence(lambda n: f"community-{n}")
    name_th = factory.Sequence(lambda n: f"ชุมชนทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test community {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"partner-{n}")
    name_th = factory.Sequence(lambda n: f"องค์กรภาคี {n}")
    name_en = factory.Sequence(lambda n: f"Partner Organisation {n}")
    sector = Sector.GOVERNMENT
    description_th = "องค์กรภาคีเครือข่ายเมืองแห่งการเรียนรู้"
    description_en = "A partner of the learning-city network."


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    city = factory.SelfAttribute("partner.city")
    name = "สมชาย ใจดี"
    email = "somchai@example.org"


class MouFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mou

    city = factory.SubFactory(CityFactory)
    slug = factory.Sequence(lambda n: f"mou-{n}")
    title_th = factory.Sequence(lambda n: f"บันทึกความร่วมมือ {n}")
    title_en = factory.Sequence(lambda n: f"Memorandum of understanding {n}")
    signed_on = dt.date(2024, 9, 17)
