"""Filter forms of the catalogue pages: they check the shape of GET parameters, nothing more.

Choices come from rows the view has already read, so cleaning costs no query. A value that is not a
valid choice is an error on that field; the page ignores that filter and says so.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rianru.catalogue.geo import DEFAULT_RADIUS_KM, RADII_KM
from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.catalogue.selectors import OpportunityFilters, SpaceFilters
from rianru.network.models import Sector
from rianru.network.selectors import sorted_by_name

ANY = [("", _("Any"))]
CHECKBOX = forms.CheckboxInput(attrs={"value": "1"})  # submits free=1 rather than free=on


def _zone_choices(zones) -> list[tuple[int, str]]:
    return [(zone.number, zone.name) for zone in zones]


class OpportunityFilterForm(forms.Form):
    life_stage = forms.ChoiceField(label=_("Life stage"), required=False)
    sdg = forms.TypedChoiceField(
        label=_("Sustainable Development Goal"), required=False, coerce=int, empty_value=None
    )
    sector = forms.ChoiceField(label=_("Partner sector"), required=False, choices=ANY + list(Sector.choices))
    mode = forms.ChoiceField(label=_("Mode"), required=False, choices=ANY + list(Opportunity.Mode.choices))
    zone = forms.TypedChoiceField(label=_("Zone"), required=False, coerce=int, empty_value=None)
    free = forms.BooleanField(label=_("Free only"), required=False, widget=CHECKBOX)

    def __init__(self, data, *, life_stages, goals, zones):
        super().__init__(data)
        self.fields["life_stage"].choices = ANY + [(stage.code, stage.name) for stage in life_stages]
        self.fields["sdg"].choices = ANY + [(goal.number, f"{goal.number}. {goal.name}") for goal in goals]
        self.fields["zone"].choices = ANY + _zone_choices(zones)

    def filters(self) -> OpportunityFilters:
        """The valid filters; invalid ones are left out (see `errors`)."""
        self.is_valid()
        data = self.cleaned_data
        return OpportunityFilters(
            life_stage=data.get("life_stage") or None,
            sdg=data.get("sdg"),
            sector=data.get("sector") or None,
            free=bool(data.get("free")),
            mode=data.get("mode") or None,
            zone=data.get("zone"),
        )


class SpaceFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + list(LearningSpace.Kind.choices))
    zone = forms.TypedChoiceField(label=_("Zone"), required=False, coerce=int, empty_value=None)
    accessible = forms.BooleanField(label=_("Step-free access only"), required=False, widget=CHECKBOX)

    def __init__(self, data, *, zones):
        super().__init__(data)
        self.fields["zone"].choices = ANY + _zone_choices(zones)

    def filters(self) -> SpaceFilters:
        self.is_valid()
        data = self.cleaned_data
        return SpaceFilters(
            kind=data.get("kind") or None, zone=data.get("zone"), accessible=bool(data.get("accessible"))
        )


def _community_choices(zones) -> list:
    """The zones' communities, one <optgroup> per zone (zones with their communities prefetched)."""
    return [
        (
            zone.name,
            [(community.slug, community.name) for community in sorted_by_name(zone.communities.all())],
        )
        for zone in zones
        if zone.communities.all()
    ]


class MapFilterForm(SpaceFilterForm):
    """The map page's filters: the space filters, and a point (a community, or lat/lon from the browser)
    with a radius. The point's meaning (is the community known, where is it) is the view's to resolve."""

    community = forms.ChoiceField(label=_("Near a community"), required=False)
    radius_km = forms.TypedChoiceField(label=_("Within"), required=False, coerce=int, empty_value=None)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, data, *, zones):
        if not data.get("radius_km"):
            data = data.copy()  # show the default radius as selected
            data["radius_km"] = str(DEFAULT_RADIUS_KM)
        super().__init__(data, zones=zones)
        self.fields["community"].choices = ANY + _community_choices(zones)
        # labels formatted now, in the request's language
        self.fields["radius_km"].choices = [(km, gettext("%(km)s km") % {"km": km}) for km in RADII_KM]

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lon") is None):
            self.add_error("lat", _("A point needs both a latitude and a longitude."))
            data["lat"] = data["lon"] = None
        return data

    def near(self) -> dict:
        """{"community": slug or None, "lat": float or None, "lon": float or None, "radius_km": int}; the
        browser's point wins over a community."""
        self.is_valid()
        data = self.cleaned_data
        lat, lon = data.get("lat"), data.get("lon")
        point = (lat, lon) if lat is not None and lon is not None else (None, None)
        return {
            "community": None if point[0] is not None else (data.get("community") or None),
            "lat": point[0],
            "lon": point[1],
            "radius_km": data.get("radius_km") or DEFAULT_RADIUS_KM,
        }
