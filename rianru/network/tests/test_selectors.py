"""Network selectors."""

import pytest

from rianru.network.tests.factories import CityFactory


def test_a_remembered_city_is_forgotten_when_a_city_changes(db, django_assert_num_queries):
    from rianru.network.errors import CityNotFound
    from rianru.network.selectors import city_get_remembered

    city = CityFactory(slug="yala", name_en="Yala")
    assert city_get_remembered(slug="yala").name_en == "Yala"
    with django_assert_num_queries(0):
        assert city_get_remembered(slug="yala").pk == city.pk
    city.name_en = "Yala City"
    city.save()
    assert city_get_remembered(slug="yala").name_en == "Yala City"
    with pytest.raises(CityNotFound):
        city_get_remembered(slug="nowhere")
