"""The bilingual mixin (rianru.core.models.BilingualMixin) on a real model:
a partner's name and description."""

import pytest
from django.utils import translation

from rianru.network.tests.factories import PartnerFactory


@pytest.mark.django_db
def test_localized_fields_follow_the_active_language_and_fall_back():
    partner = PartnerFactory(name_th="มหาวิทยาลัยขอนแก่น", name_en="Khon Kaen University", description_en="")
    partner.description_th = "มหาวิทยาลัยแห่งแรกของภาคอีสาน"
    with translation.override("th"):
        assert partner.name == "มหาวิทยาลัยขอนแก่น"
    with translation.override("en"):
        assert partner.name == "Khon Kaen University"
        assert partner.description == "มหาวิทยาลัยแห่งแรกของภาคอีสาน"  # no English yet: Thai is shown
    assert partner.localized("name", "en") == "Khon Kaen University"
