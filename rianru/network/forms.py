from django import forms
from django.utils.translation import gettext_lazy as _

from rianru.network.models import Sector


class PartnerFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )

    def sector_filter(self) -> str | None:
        """The chosen sector, or None for all (an unknown value is ignored)."""
        self.is_valid()
        return self.cleaned_data.get("sector") or None
