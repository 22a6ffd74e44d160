"""Helpers for the admin tests: open a model's admin pages in Thai and English and check what they show."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import capfirst

from rianru.network.models import CityMembership

THAI = re.compile("[\u0e00-\u0e7f]")


def admin_url(name: str, *args, language: str) -> str:
    with translation.override(language):
        return reverse(f"admin:{name}", args=args)


def model_url(model, view: str, *args, language: str) -> str:
    return admin_url(f"{model._meta.app_label}_{model._meta.model_name}_{view}", *args, language=language)


def assert_admin_page(response, model, language: str) -> None:
    """A 200 page in the asked language, under Rianru's header, naming the model in that language."""
    assert response.status_code == 200, response.content[:500]
    html = response.content.decode()
    assert f'lang="{language}"' in html
    with translation.override(language):
        labels = [
            translation.gettext("Home"),
            translation.gettext("Rianru administration"),
            capfirst(str(model._meta.verbose_name_plural)),
        ]
    for label in labels:
        assert escape(label) in html
        assert bool(THAI.search(label)) is (language == "th"), f"{label!r} is not in {language}"
    assert "Django administration" not in html
    assert "การจัดการ Django" not in html


def assert_admin_pages_open(client, model, obj, *, can_add: bool = True) -> None:
    """The changelist, the add page (or its refusal for read-only models) and obj's change page."""
    for language in ("th", "en"):
        assert_admin_page(client.get(model_url(model, "changelist", language=language)), model, language)
        add = client.get(model_url(model, "add", language=language))
        if can_add:
            assert_admin_page(add, model, language)
        else:
            assert add.status_code == 403
        change = client.get(model_url(model, "change", obj.pk, language=language))
        assert_admin_page(change, model, language)


def city_staff(*, username: str, cities, apps=("network", "catalogue")):
    """A staff user (not a superuser) with every permission of the given apps, member of the given cities."""
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
    for city in cities:
        CityMembership.objects.create(user=user, city=city, role=CityMembership.Role.CITY_STAFF)
    return user


def changelist_queries(client, model, *, language: str = "en") -> int:
    """How many queries the changelist of a model runs (to compare before and after adding rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(model_url(model, "changelist", language=language)).status_code == 200
    return len(queries)
