import factory
from django.contrib.auth import get_user_model

from rianru.learners import services
from rianru.network.tests.factories import CityFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"learner-{n}")
    password = factory.django.Password("pw")


def make_learner(city=None, *, username=None, account_name="", emails=(), verified=True):
    """A learner made as a user of the platform would be (through the services)."""
    city = city or CityFactory()
    user = UserFactory(**({"username": username} if username else {}))
    learner = services.learner_create(actor=None, city=city, user=user, account_name=account_name)
    for address in emails:
        services.learner_email_add(actor=None, learner=learner, address=address, verified=verified)
    return learner
