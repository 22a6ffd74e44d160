"""`{% opportunity_jsonld opportunity %}`, `{% space_jsonld space %}`, `{% partner_jsonld partner %}`: the
page's schema.org JSON-LD in a <script type="application/ld+json">, built from rows the page already
loaded (no extra query), with <, > and & escaped so that no text can end the script."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from rianru.catalogue.interchange import jsonld

register = template.Library()


def _script(nodes: list[dict]) -> str:
    body = mark_safe(jsonld.script_json(jsonld.graph(nodes)))  # noqa: S308 - script_json escapes <, > and &
    return format_html('<script type="application/ld+json">{}</script>', body)


def _base_url(context) -> str:
    request = context.get("request")
    return request.build_absolute_uri("/").rstrip("/") if request is not None else ""


@register.simple_tag(takes_context=True)
def opportunity_jsonld(context, opportunity) -> str:
    city_slug = opportunity.city.slug
    node = jsonld.opportunity_node(
        opportunity, city_slug=city_slug, time_zone=timezone.get_current_timezone(),
        base_url=_base_url(context), inline_places=True,
    )  # fmt: skip
    return _script([node, jsonld.partner_node(opportunity.provider, city_slug=city_slug)])


@register.simple_tag(takes_context=True)
def space_jsonld(context, space) -> str:
    city_slug = space.city.slug
    node = jsonld.space_node(space, city_slug=city_slug, base_url=_base_url(context))
    return _script([node, jsonld.partner_node(space.owner, city_slug=city_slug)])


@register.simple_tag
def partner_jsonld(partner) -> str:
    return _script([jsonld.partner_node(partner, city_slug=partner.city.slug)])
