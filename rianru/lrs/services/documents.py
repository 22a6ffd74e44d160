"""Writes of the State, Activity Profile and Agent Profile documents: save (PUT or POST merge), delete."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from rianru.core.errors import Conflict
from rianru.lrs.errors import BadRequest, DocumentNotFound, PreconditionFailed
from rianru.lrs.models import Credential, Document


def document_etag(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - xAPI's ETag, not a security hash


def check_preconditions(
    document: Document | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if if_match is not None:
        tags = [tag.strip().strip('"') for tag in if_match.split(",")]
        if document is None or ("*" not in tags and document.etag not in tags):
            raise PreconditionFailed("If-Match does not match the document's current ETag.")
    if if_none_match is not None:
        tags = [tag.strip().strip('"') for tag in if_none_match.split(",")]
        if document is not None and ("*" in tags or document.etag in tags):
            raise PreconditionFailed("If-None-Match: the document already exists.")


def is_json_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def document_save(
    *,
    credential: Credential,
    key: dict,
    content: bytes,
    content_type: str,
    merge: bool,
    if_match: str | None = None,
    if_none_match: str | None = None,
    require_precondition: bool = False,
    refuse_unconditional_create: bool = False,
) -> Document:
    """PUT (replace) or POST (merge JSON objects) one document. `key` names kind, activity, agent,
    registration, id."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update().filter(partner_id=credential.partner_id, **key).first()
        )
        check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
        if document is not None and require_precondition and if_match is None and if_none_match is None:
            raise Conflict(
                "The document exists: send If-Match with its ETag (or If-None-Match: *) to overwrite it."
            )
        if document is None and refuse_unconditional_create and if_match is None and if_none_match is None:
            raise BadRequest("xAPI 1.0.3 profiles are created with If-None-Match: * (or If-Match).")
        if merge and document is not None:
            if not (is_json_type(content_type) and is_json_type(document.content_type)):
                raise BadRequest(
                    "POST merges only JSON documents: "
                    "both the stored and the sent document must be application/json."
                )
            try:
                old, new = json.loads(bytes(document.content)), json.loads(content)
            except ValueError as error:
                raise BadRequest("The document is not valid JSON.") from error
            if not isinstance(old, dict) or not isinstance(new, dict):
                raise BadRequest("POST merges only JSON objects.")
            content = json.dumps({**old, **new}).encode()
            content_type = "application/json"
        elif merge and is_json_type(content_type):
            try:
                parsed = json.loads(content)
            except ValueError as error:
                raise BadRequest("The document is not valid JSON.") from error
            if not isinstance(parsed, dict):
                raise BadRequest("POST merges only JSON objects.")
        now = timezone.now()
        if document is None:
            document = Document.objects.create(
                city_id=credential.city_id,
                partner_id=credential.partner_id,
                content=content,
                content_type=content_type,
                etag=document_etag(content),
                updated=now,
                **key,
            )
        else:
            document.content, document.content_type = content, content_type
            document.etag, document.updated = document_etag(content), now
            document.save(update_fields=["content", "content_type", "etag", "updated"])
    return document


def documents_delete(
    *, credential: Credential, key: dict, if_match: str | None = None, if_none_match: str | None = None
) -> int:
    """Delete one document (key with document_id) or every document under the key (State without stateId)."""
    with transaction.atomic():
        documents = Document.objects.filter(partner_id=credential.partner_id, **key)
        if "document_id" in key:
            document = documents.select_for_update().first()
            check_preconditions(document, if_match=if_match, if_none_match=if_none_match)
            if document is None:
                if if_match is None:
                    return 0
                raise DocumentNotFound("No such document.")
        return documents.delete()[0]
