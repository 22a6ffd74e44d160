"""`{% webcal_url path %}`: the address a calendar app subscribes to (webcal://host/path)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def webcal_url(context, path: str) -> str:
    """webcal://<this host><path>: calendar apps open it as a subscription (and fetch it over HTTP(S))."""
    request = context.get("request")
    if request is None:
        return path
    return f"webcal://{request.get_host()}{path}"
