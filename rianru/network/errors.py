from django.utils.translation import gettext_lazy as _

from rianru.core.errors import NotFound, ValidationFailed


class CityNotFound(NotFound):
    code = "city_not_found"

    def __init__(self, slug: str):
        super().__init__(_("There is no city called “%(slug)s”.") % {"slug": slug}, extra={"slug": slug})


class CrossCityReference(ValidationFailed):
    code = "cross_city_reference"
