"""Shared bits of the `rianru learners …` commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from rianru.learners import selectors
from rianru.network.models import City


def city_arg(slug: str | None) -> City:
    if not slug:
        raise CommandError(_("Give --city."))
    city = City.objects.filter(slug=slug).first()
    if city is None:
        raise CommandError(_("There is no city called “%(slug)s”.") % {"slug": slug})
    return city


def add_learner_arguments(parser) -> None:
    parser.add_argument("--city", help="the city's slug")
    parser.add_argument("--account", default="", help="the learner's account name")
    parser.add_argument("--email", default="", help="one of the learner's e-mail addresses")
    parser.add_argument("--user", default="", help="the learner's user name")


def learner_arg(options):
    city = city_arg(options["city"])
    return selectors.learner_get(
        city=city, account_name=options["account"], email=options["email"], username=options["user"]
    )
