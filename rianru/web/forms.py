"""The statement browser's filter form: it checks the shape of the GET parameters and turns them into a query.

A value that is not understood is an error on its field and the page answers 400 with no results (a
filter silently dropped would show more statements than asked for).
"""

import datetime as dt
import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rianru.catalogue.activities import opportunity_activity_ids, parse_opportunity_activity_id
from rianru.core import thai
from rianru.lrs.presentation import ADL, ADL_CMI5, KNOWN_VERBS
from rianru.lrs.selectors import StatementQuery, agent_key
from rianru.web.statements import parse_cursor

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
_EMAIL = re.compile(r"^[^@\s:/]+@[^@\s/]+\.[^@\s/]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
MAX_TEXT = 2000


def parse_agent(text: str) -> dict:
    """A learner as typed: an e-mail address (or mailto:), a SHA-1 of a mailto: IRI, an OpenID URL, or an
    account as its home page and name separated by a space. Raises ValidationError."""
    text = text.strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if _EMAIL.match(text):
        return {"mbox": f"mailto:{text}"}
    if _SHA1.match(text):
        return {"mbox_sha1sum": text.lower()}
    home, _space, name = text.partition(" ")
    if _SCHEME.match(home) and home.lower().startswith(("http://", "https://")):
        if name.strip():
            return {"account": {"homePage": home, "name": name.strip()}}
        return {"openid": home}
    raise forms.ValidationError(
        _("Give an e-mail address, or an account as its home page and name separated by a space.")
    )


def verb_iri(text: str) -> str:
    """A verb IRI, or the short name of a well-known verb (`completed`)."""
    text = text.strip()
    if _SCHEME.match(text):
        return text
    for base in (ADL, ADL_CMI5):
        if base + text.lower() in KNOWN_VERBS:
            return base + text.lower()
    raise forms.ValidationError(_("Give a verb IRI or the name of a well-known verb such as completed."))


class EraDateField(forms.DateField):
    """YYYY-MM-DD; a year from 2400 on is a Buddhist-era year (as in search and the catalogue import)."""

    widget = forms.DateInput(attrs={"type": "date"})
    _ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

    def to_python(self, value):
        if isinstance(value, str):
            match = self._ISO.match(value.strip())
            if match:
                year, month, day = (int(part) for part in match.groups())
                year = thai.gregorian_year(year)
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class StatementFilterForm(forms.Form):
    partner = forms.ChoiceField(label=_("Partner"), required=False)
    verb = forms.CharField(
        label=_("Verb"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.TextInput(attrs={"list": "known-verbs"}),
    )
    activity = forms.CharField(
        label=_("Activity"), required=False, max_length=MAX_TEXT, help_text=_("The activity id (an IRI).")
    )
    agent = forms.CharField(
        label=_("Learner"),
        required=False,
        max_length=MAX_TEXT,
        help_text=_("An e-mail address, or an account: home page, a space, name."),
    )
    registration = forms.UUIDField(label=_("Registration"), required=False)
    since = EraDateField(label=_("From"), required=False)
    until = EraDateField(label=_("To"), required=False)
    related = forms.BooleanField(
        label=_("Also where the learner or activity is in the context"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, partners=None):
        """`partners`: the city's partners to choose from (city staff), or None (a partner administrator)."""
        super().__init__(data)
        self.partners = {partner.slug: partner for partner in partners or []}
        if partners is None:
            del self.fields["partner"]
        else:
            self.fields["partner"].choices = [("", _("All partners"))] + [
                (partner.slug, partner.name) for partner in partners
            ]

    def clean_verb(self) -> str:
        value = self.cleaned_data["verb"]
        return verb_iri(value) if value.strip() else ""

    def clean_activity(self) -> str:
        value = self.cleaned_data["activity"].strip()
        if value and not _SCHEME.match(value):
            raise forms.ValidationError(_("An activity id is an IRI, such as https://…"))
        return value

    def clean_agent(self) -> str:
        value = self.cleaned_data["agent"]
        return agent_key(parse_agent(value)) if value.strip() else ""

    def _cursor(self, name: str):
        value = self.cleaned_data[name]
        if not value:
            return None
        cursor = parse_cursor(value)
        if cursor is None:
            raise forms.ValidationError(
                _("This page position is not valid; start from the newest statements.")
            )
        return cursor

    def clean_after(self):
        return self._cursor("after")

    def clean_before(self):
        return self._cursor("before")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def chosen_partner(self):
        """The partner chosen (city staff), or None for all."""
        slug = self.cleaned_data.get("partner") if "partner" in self.fields else ""
        return self.partners.get(slug) if slug else None

    def query(self) -> StatementQuery:
        """The LRS query of the valid form; dates are whole local days (the city's time zone)."""
        data = self.cleaned_data
        query = StatementQuery(
            agent_key=data["agent"],
            verb=data["verb"],
            activity=data["activity"],
            registration=str(data["registration"]) if isinstance(data.get("registration"), uuid.UUID) else "",
            related_activities=data["related"],
            related_agents=data["related"],
            after=data["after"],
        )
        parsed = parse_opportunity_activity_id(data["activity"]) if data["activity"] else None
        if parsed is not None:
            query.activities = tuple(opportunity_activity_ids(city_slug=parsed[0], slug=parsed[1]))
        tick = dt.timedelta(microseconds=1)
        if data["since"]:
            query.since = _local_midnight(data["since"]) - tick
        if data["until"]:
            query.until = _local_midnight(data["until"] + dt.timedelta(days=1)) - tick
        return query


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()), timezone.get_current_timezone())
