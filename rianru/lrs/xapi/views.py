"""The xAPI resources: statements, state, activity and agent profiles, activities, agents, about.

Each handler checks the request's parameters and body, calls a service or selector, and writes the
response xAPI names. `wire.xapi_view` handles versions, authentication and errors.
"""

import json
import uuid
from datetime import UTC

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from rianru.lrs import agents as xagents
from rianru.lrs import selectors, services
from rianru.lrs.errors import BadRequest, DocumentNotFound, Forbidden
from rianru.lrs.models import Document
from rianru.lrs.xapi.multipart import parse_multipart, sha2_hex
from rianru.lrs.xapi.signatures import check_signature
from rianru.lrs.xapi.validation import (
    SIGNATURE_USAGE,
    Invalid,
    check_iri,
    parse_timestamp,
    validate_agent_parameter,
    validate_statement,
)
from rianru.lrs.xapi.wire import (
    SUPPORTED_VERSIONS,
    XapiRequest,
    json_response,
    last_modified,
    multipart_response,
    xapi_view,
)

STATEMENT_GET_PARAMS = {
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities",
    "related_agents", "since", "until", "limit", "format", "attachments", "ascending",
}  # fmt: skip
SINGLE_ALLOWED = {"statementId", "voidedStatementId", "format", "attachments"}


def invalid(error: Invalid) -> BadRequest:
    return BadRequest(str(error))


def check_params(xrequest: XapiRequest, allowed: set[str]) -> dict[str, str]:
    unknown = sorted(set(xrequest.params) - allowed)
    if unknown:
        raise BadRequest(f"Unknown parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}.")
    return xrequest.params


def boolean_param(params: dict, name: str) -> bool:
    value = params.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise BadRequest(f"The parameter {name} must be true or false.")
    return value == "true"


def uuid_param(params: dict, name: str) -> str:
    try:
        return str(uuid.UUID(params[name]))
    except (ValueError, AttributeError) as error:
        raise BadRequest(f"The parameter {name} must be a UUID.") from error


def timestamp_param(params: dict, name: str):
    try:
        return parse_timestamp(params[name], require_zone=False)
    except ValueError as error:
        raise BadRequest(
            f"The parameter {name} must be an ISO 8601 timestamp such as 2024-09-17T10:00:00Z, "
            f"not {params[name]!r}."
        ) from error


def iri_param(params: dict, name: str) -> str:
    try:
        return check_iri(params[name], name)
    except Invalid as error:
        raise invalid(error) from error


def agent_param(params: dict, name: str = "agent") -> dict:
    try:
        agent = json.loads(params[name])
    except ValueError as error:
        raise BadRequest(f"The parameter {name} must be a JSON Agent object.") from error
    try:
        return validate_agent_parameter(agent, name)
    except Invalid as error:
        raise invalid(error) from error


def accept_languages(header: str | None) -> list[str]:
    languages = []
    for index, item in enumerate((header or "").split(",")):
        tag, _sep, quality = item.strip().partition(";q=")
        if not tag:
            continue
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        languages.append((-weight, index, tag.strip()))
    return [tag for _weight, _index, tag in sorted(languages)]


# --- statements -------------------------------------------------------------------------------------------


@xapi_view(methods={"GET", "HEAD", "PUT", "POST"})
def statements(xrequest: XapiRequest) -> HttpResponse:
    if xrequest.method in ("GET", "HEAD"):
        return statements_get(xrequest)
    if xrequest.method == "PUT":
        return statements_put(xrequest)
    if xrequest.params and set(xrequest.params) != {"statementId"}:
        check_params(xrequest, set())
    return statements_post(xrequest)


def read_statements_body(xrequest: XapiRequest) -> tuple[object, dict]:
    """The JSON of a statement request and its attachments by hash, checked against each other."""
    attachments: dict[str, services.AttachmentPart] = {}
    media_type = xrequest.media_type
    if media_type == "multipart/mixed":
        parts = parse_multipart(xrequest.body, xrequest.content_type)
        first = parts[0]
        if first.content_type.split(";")[0].strip().lower() != "application/json":
            raise BadRequest(
                "The first part of a multipart/mixed statement request must be application/json."
            )
        raw = first.content
        for part in parts[1:]:
            sha2 = part.headers.get("x-experience-api-hash")
            if not sha2:
                raise BadRequest("Every attachment part needs an X-Experience-API-Hash header.")
            if part.headers.get("content-transfer-encoding", "").lower() != "binary":
                raise BadRequest("Every attachment part needs Content-Transfer-Encoding: binary.")
            if sha2_hex(part.content, len(sha2)) != sha2.lower():
                raise BadRequest(f"The attachment part's content does not match its hash {sha2}.")
            attachments[sha2.lower()] = services.AttachmentPart(
                content_type=part.content_type or "application/octet-stream", content=part.content
            )
    elif media_type == "application/json" or (xrequest.alternate and media_type in ("", "application/json")):
        raw = xrequest.body
    else:
        raise BadRequest("Statements are sent as application/json, or multipart/mixed with attachments.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(f"The body is not valid JSON: {error}.") from error
    return data, attachments


def check_attachments(statements_list: list[dict], attachments: dict) -> None:
    declared = set()
    for statement in statements_list:
        for attachment in statement.get("attachments", []):
            sha2 = attachment["sha2"].lower()
            if sha2 in attachments:
                declared.add(sha2)
            elif "fileUrl" not in attachment:
                raise BadRequest(f"The attachment {sha2} has no fileUrl and its content was not sent.")
            if attachment["usageType"] == SIGNATURE_USAGE:
                check_signature(statement, attachment, attachments.get(sha2))
    extra = set(attachments) - declared
    if extra:
        raise BadRequest(
            f"The request has attachment parts no statement declares: {', '.join(sorted(extra))}."
        )


def validated(data, version: str) -> dict:
    try:
        return validate_statement(data, version)
    except Invalid as error:
        raise invalid(error) from error


def statements_put(xrequest: XapiRequest) -> HttpResponse:
    xrequest.require_scope("statements/write")
    params = check_params(xrequest, {"statementId"})
    if "statementId" not in params:
        raise BadRequest("PUT /statements needs the statementId parameter.")
    statement_id = uuid_param(params, "statementId")
    data, attachments = read_statements_body(xrequest)
    statement = validated(data, xrequest.version)
    if "id" in statement and statement["id"].lower() != statement_id:
        raise BadRequest("The statement's id differs from the statementId parameter.")
    check_attachments([statement], attachments)
    services.statements_store(
        credential=xrequest.credential,
        statements=[statement],
        xapi_version=xrequest.version,
        attachments=attachments,
        statement_id=statement_id,
    )
    return consistent(HttpResponse(status=204))


def statements_post(xrequest: XapiRequest) -> HttpResponse:
    xrequest.require_scope("statements/write")
    data, attachments = read_statements_body(xrequest)
    batch = data if isinstance(data, list) else [data]
    if not batch:
        raise BadRequest("The batch is empty.")
    for index, item in enumerate(batch):
        try:
            validate_statement(item, xrequest.version)
        except Invalid as error:
            prefix = f"statement [{index}] " if isinstance(data, list) else ""
            raise BadRequest(prefix + str(error)) from error
    check_attachments(batch, attachments)
    ids = services.statements_store(
        credential=xrequest.credential,
        statements=batch,
        xapi_version=xrequest.version,
        attachments=attachments,
    )
    return consistent(json_response(ids))


def consistent(response: HttpResponse) -> HttpResponse:
    now = timezone.now().astimezone(UTC)
    response["X-Experience-API-Consistent-Through"] = now.isoformat(timespec="microseconds").replace(
        "+00:00", "Z"
    )
    return response


def statement_formatter(xrequest: XapiRequest, params: dict):
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise BadRequest("The format parameter must be exact, ids or canonical.")
    languages = accept_languages(xrequest.header("accept-language"))

    def format_statement(data: dict) -> dict:
        if fmt == "ids":
            return xagents.ids_format(data)
        if fmt == "canonical":
            return xagents.canonical_format(data, languages, {})
        return data

    return format_statement


def statements_get(xrequest: XapiRequest) -> HttpResponse:
    credential = xrequest.credential
    if not (credential.has_scope("statements/read") or credential.has_scope("statements/read/mine")):
        raise Forbidden("This credential may not read statements.")
    params = xrequest.params
    if "more" in params:
        if set(params) != {"more"}:
            raise BadRequest("A more link takes no other parameters.")
        query = selectors.more_query(params["more"])
        params = query.extra
    else:
        check_params(xrequest, STATEMENT_GET_PARAMS)
        query = None
    with_attachments = boolean_param(params, "attachments")
    format_statement = statement_formatter(xrequest, params)
    if "statementId" in params or "voidedStatementId" in params:
        if "statementId" in params and "voidedStatementId" in params:
            raise BadRequest("Give statementId or voidedStatementId, not both.")
        extra = sorted(set(params) - SINGLE_ALLOWED)
        if extra:
            raise BadRequest(
                "statementId and voidedStatementId combine only with format and attachments, "
                f"not {', '.join(extra)}."
            )
        voided = "voidedStatementId" in params
        statement_id = uuid_param(params, "voidedStatementId" if voided else "statementId")
        row = selectors.statement_get(credential=credential, statement_id=statement_id, voided=voided)
        if row is None:
            raise DocumentNotFound(f"No statement {statement_id}.")
        statement = format_statement(row.data)
        response = statement_response(
            credential, [statement], json.dumps(statement).encode(), with_attachments
        )
        response["Last-Modified"] = last_modified(row.stored)
        return consistent(response)
    if query is None:
        query = statement_query(params)
    rows, more = selectors.statements_page(credential=credential, query=query)
    result = {"statements": [format_statement(row.data) for row in rows], "more": ""}
    if more:
        result["more"] = f"{reverse('lrs:statements')}?more={more}"
    response = statement_response(
        credential, result["statements"], json.dumps(result).encode(), with_attachments
    )
    if rows:
        response["Last-Modified"] = last_modified(max(row.stored for row in rows))
    return consistent(response)


def statement_query(params: dict) -> selectors.StatementQuery:
    query = selectors.StatementQuery(
        extra={key: params[key] for key in ("format", "attachments") if key in params}
    )
    if "agent" in params:
        query.agent_key = xagents.agent_key(agent_param(params))
    if "verb" in params:
        query.verb = iri_param(params, "verb")
    if "activity" in params:
        query.activity = iri_param(params, "activity")
    if "registration" in params:
        query.registration = uuid_param(params, "registration")
    query.related_activities = boolean_param(params, "related_activities")
    query.related_agents = boolean_param(params, "related_agents")
    query.ascending = boolean_param(params, "ascending")
    if "since" in params:
        query.since = timestamp_param(params, "since")
    if "until" in params:
        query.until = timestamp_param(params, "until")
    if "limit" in params:
        try:
            query.limit = int(params["limit"])
        except ValueError as error:
            raise BadRequest("The limit parameter must be a whole number.") from error
        if query.limit < 0:
            raise BadRequest("The limit parameter must not be negative.")
    return query


def statement_response(
    credential, statement_list: list[dict], body: bytes, with_attachments: bool
) -> HttpResponse:
    if not with_attachments:
        return HttpResponse(body, content_type="application/json")
    sha2s = set()
    for statement in statement_list:
        for attachment in statement.get("attachments", []):
            sha2s.add(attachment["sha2"].lower())
    found = selectors.attachments_for(credential=credential, sha2s=sha2s)
    return multipart_response(body, [found[sha2] for sha2 in sorted(found)])


# --- documents --------------------------------------------------------------------------------------------

DOCUMENT_RESOURCES = {
    Document.Kind.STATE: {
        "id": "stateId",
        "params": {"activityId", "agent", "registration", "stateId", "since"},
    },
    Document.Kind.ACTIVITY_PROFILE: {"id": "profileId", "params": {"activityId", "profileId", "since"}},
    Document.Kind.AGENT_PROFILE: {"id": "profileId", "params": {"agent", "profileId", "since"}},
}


def document_key(xrequest: XapiRequest, kind: str) -> tuple[dict, str | None]:
    """The document key (kind, activity, agent, registration) and the document id (None if absent)."""
    resource = DOCUMENT_RESOURCES[kind]
    params = check_params(xrequest, resource["params"])
    key: dict = {"kind": kind, "activity_id": "", "agent_key": "", "registration": ""}
    if "activityId" in resource["params"]:
        if "activityId" not in params:
            raise BadRequest("The activityId parameter is required.")
        key["activity_id"] = iri_param(params, "activityId")
    if "agent" in resource["params"]:
        if "agent" not in params:
            raise BadRequest("The agent parameter is required.")
        key["agent_key"] = xagents.agent_key(agent_param(params))
    if "registration" in params:
        key["registration"] = uuid_param(params, "registration")
    document_id = params.get(resource["id"])
    if "since" in params and (document_id is not None or xrequest.method not in ("GET", "HEAD")):
        raise BadRequest("since is only for listing documents (GET without an id).")
    return key, document_id


def documents_resource(kind: str):
    id_name = DOCUMENT_RESOURCES[kind]["id"]

    def handler(xrequest: XapiRequest) -> HttpResponse:
        xrequest.require_scope("documents")
        key, document_id = document_key(xrequest, kind)
        credential = xrequest.credential
        if xrequest.method in ("GET", "HEAD"):
            if document_id is None:
                since = timestamp_param(xrequest.params, "since") if "since" in xrequest.params else None
                return json_response(selectors.document_ids(credential=credential, key=key, since=since))
            document = selectors.document_get(credential=credential, key={**key, "document_id": document_id})
            if document is None:
                raise DocumentNotFound(f"No document {document_id}.")
            response = HttpResponse(bytes(document.content), content_type=document.content_type)
            response["ETag"] = f'"{document.etag}"'
            response["Last-Modified"] = last_modified(document.updated)
            return response
        if xrequest.method == "DELETE":
            if document_id is not None:
                key["document_id"] = document_id
            elif kind != Document.Kind.STATE:
                raise BadRequest(f"DELETE needs the {id_name} parameter.")
            services.documents_delete(
                credential=credential,
                key=key,
                if_match=xrequest.header("if-match"),
                if_none_match=xrequest.header("if-none-match"),
            )
            return HttpResponse(status=204)
        if document_id is None:
            raise BadRequest(f"{xrequest.method} needs the {id_name} parameter.")
        content_type = xrequest.content_type or "application/octet-stream"
        if xrequest.method == "PUT" and services.is_json_type(content_type):
            try:
                json.loads(xrequest.body)
            except (ValueError, UnicodeDecodeError) as error:
                raise BadRequest("The document is sent as application/json but is not valid JSON.") from error
        document = services.document_save(
            credential=credential,
            key={**key, "document_id": document_id},
            content=xrequest.body,
            content_type=content_type,
            merge=xrequest.method == "POST",
            if_match=xrequest.header("if-match"),
            if_none_match=xrequest.header("if-none-match"),
            require_precondition=xrequest.method == "PUT"
            and (xrequest.version != "1.0.3" or kind != Document.Kind.STATE),
            refuse_unconditional_create=xrequest.method == "PUT"
            and xrequest.version == "1.0.3"
            and kind != Document.Kind.STATE,
        )
        response = HttpResponse(status=204)
        response["ETag"] = f'"{document.etag}"'
        return response

    return handler


state = xapi_view(methods={"GET", "HEAD", "PUT", "POST", "DELETE"})(documents_resource(Document.Kind.STATE))
activity_profile = xapi_view(methods={"GET", "HEAD", "PUT", "POST", "DELETE"})(
    documents_resource(Document.Kind.ACTIVITY_PROFILE)
)
agent_profile = xapi_view(methods={"GET", "HEAD", "PUT", "POST", "DELETE"})(
    documents_resource(Document.Kind.AGENT_PROFILE)
)


# --- activities, agents, about ----------------------------------------------------------------------------


@xapi_view(methods={"GET", "HEAD"})
def activities(xrequest: XapiRequest) -> HttpResponse:
    params = check_params(xrequest, {"activityId"})
    if "activityId" not in params:
        raise BadRequest("The activityId parameter is required.")
    activity_id = iri_param(params, "activityId")
    return json_response(selectors.activity_get(credential=xrequest.credential, activity_id=activity_id))


@xapi_view(methods={"GET", "HEAD"})
def agents(xrequest: XapiRequest) -> HttpResponse:
    params = check_params(xrequest, {"agent"})
    if "agent" not in params:
        raise BadRequest("The agent parameter is required.")
    return json_response(xagents.person(agent_param(params)))


@xapi_view(methods={"GET", "HEAD"}, authenticated=False)
def about(xrequest: XapiRequest) -> HttpResponse:
    check_params(xrequest, set())
    return json_response({"version": SUPPORTED_VERSIONS, "extensions": {}})
