"""The learners app listens to the LRS: statements stored are linked to the learners their actors are."""

import logging

from rianru.lrs.hooks import statements_stored

logger = logging.getLogger(__name__)


def link_stored_statements(sender, *, city_id: int, statements: list[dict], **kwargs) -> None:
    """Never raises (the statements are stored and acknowledged): a failure is logged, and
    `rianru learners relink` repairs what it missed."""
    from rianru.learners.services import statements_link

    try:
        statements_link(city_id=city_id, statements=statements)
    except Exception:
        logger.exception(
            "Linking %d stored statements to learners failed (city %s).", len(statements), city_id
        )


def connect() -> None:
    statements_stored.connect(link_stored_statements, dispatch_uid="rianru.learners.link_stored_statements")
