"""Template filters: `{{ value|thaidate:"long" }}`, `{{ value|thaidatetime }}`,
`{{ value|thaitimestamp }}`, `{{ obj|localized:"title" }}`."""

from django import template

from rianru.core import thai

register = template.Library()


@register.filter
def thaidate(value, style="long"):
    return thai.format_date(value, style)


@register.filter
def thaitime(value):
    return thai.format_time(value)


@register.filter
def thaidatetime(value, style="long"):
    return thai.format_datetime(value, style)


@register.filter
def thaitimestamp(value, style="short"):
    """Date and time to the second (records such as xAPI statements): `17 ก.ย. 67 14:05:09 น.`."""
    return thai.format_datetime(value, style, seconds=True)


@register.filter
def localized(obj, field):
    return obj.localized(field) if obj is not None else ""
