"""Filter forms of the catalogue pages: they check the shape of GET parameters, nothing more.

Choices come from rows the view has already read, so cleaning costs no query. A value that is not a
valid choice is an error on that field; the page ignores that filter and says so.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from rianru.catalogue.models import LearningSpace, Opportunity
from rianru.catalogue.selectors import OpportunityFilters, SpaceFilters
from rianru.network.models import Sector

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
