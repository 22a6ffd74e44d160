"""Every write that changes what search shows leaves a `SearchChange` row, in the write's transaction."""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from rianru.catalogue.models import LearningSpace, Opportunity, Session
from rianru.network.models import Community, Partner, Zone
from rianru.search.models import SearchChange

KINDS = {Opportunity: "opportunity", LearningSpace: "space", Partner: "partner"}


def record(kind: str, pk: int | None) -> None:
    if pk is not None:
        SearchChange.objects.create(kind=kind, object_id=pk)


def _row_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # fixtures being loaded
        return
    record(KINDS[sender], instance.pk)


def _session_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    record("opportunity", instance.opportunity_id)
    if instance.space_id:
        record("space", instance.space_id)


def _opportunity_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        record("opportunity", instance.pk)
    else:  # e.g. topic.opportunities.add(...)
        for pk in pk_set or ():
            record("opportunity", pk)


def _forget_cached_choices(sender, instance, **kwargs):
    """Facet labels and learning-space points are cached per city (rianru.search.choices)."""
    from rianru.search.choices import cache_keys

    cache.delete_many(cache_keys(instance.city_id))


def connect() -> None:
    for model in (Partner, Zone, Community, LearningSpace):
        for signal in (post_save, post_delete):
            signal.connect(
                _forget_cached_choices, sender=model, dispatch_uid=f"search-cache-{model.__name__}-{signal}"
            )
    for model in KINDS:
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"search-{model.__name__}-delete")
    post_save.connect(_session_changed, sender=Session, dispatch_uid="search-session-save")
    post_delete.connect(_session_changed, sender=Session, dispatch_uid="search-session-delete")
    for name in ("life_stages", "topics", "sdg_goals", "sdg_targets", "kflc_features"):
        through = Opportunity._meta.get_field(name).remote_field.through
        m2m_changed.connect(_opportunity_relations_changed, sender=through, dispatch_uid=f"search-m2m-{name}")
