"""The problem types of the JSON API (RFC 9457 problem details, `application/problem+json`).

Every error of `/api/v1/` is a problem document:

    {"type": "https://<host>/api/v1/problems/city_not_found/", "title": "Not found", "status": 404,
     "code": "city_not_found", "detail": "There is no city called “atlantis”.", "slug": "atlantis"}

`code` is the machine code (an ApplicationError's `code`), `type` the URL of its entry here (served by
`GET /api/v1/problems/<code>/`), `title` a short translated title of the kind of problem, by status
(`rianru.core.errors.status_title`), `detail` the translated message; some problems add members (`errors`,
`field`, `allowed`...). docs/api-errors.md lists the codes. The descriptions are developer documentation in
English, like the OpenAPI summaries.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    description: str


PROBLEM_TYPES = {
    problem.code: problem
    for problem in [
        # any endpoint
        ProblemType("invalid", 400,
                    "A parameter or the body is not valid. When the parameters did not parse, `errors` "
                    "lists each problem with its `loc` (where) and `msg`; a search request lists its "
                    "`errors` by parameter; an unknown `life_stage` comes with the `allowed` codes."),
        ProblemType("not_found", 404, "Nothing is at this address: no such opportunity, partner, or "
                    "problem type in this city."),
        ProblemType("city_not_found", 404, "No city has the slug of the URL (`slug`)."),
        ProblemType("not_authenticated", 401, "The endpoint needs a signed-in session: the Django session "
                    "cookie and, for POST, the CSRF token."),
        ProblemType("permission_denied", 403, "The signed-in user may not do this (import a catalogue "
                    "without being the city's staff, upload for a partner without administering it)."),
        ProblemType("error", 400, "Any other refused request; `status` and `detail` say what."),
        # the map and search near a point
        ProblemType("invalid_point", 400,
                    "`lat` and `lon` must both be given, each a number in range (`field`)."),
        ProblemType("invalid_radius", 400, "`radius_km` must be above 0 and at most 100 (`field`)."),
        ProblemType("unknown_community", 400, "No community of the city has this slug (`field`)."),
        ProblemType("community_without_point", 400,
                    "The community has no map point to search near (`field`)."),
        ProblemType("search_unavailable", 503, "The search index is not built yet; try again later."),
        # the open catalogue import and the LRS upload
        ProblemType("too_large", 413, "The file is larger than the instance allows."),
        ProblemType("malformed_file", 400, "The file cannot be read: empty, binary, not UTF-8, or its header "
                    "or JSON is not of the format."),
        ProblemType("too_many_records", 400,
                    "The file has more records than one import takes; send it in parts."),
        ProblemType("import_invalid", 400, "Records of the catalogue file have errors and nothing was "
                    "imported: `errors` lists each (`line` or `index`, `field`, `message`), "
                    "`invalid_records` counts them."),
        ProblemType("import_failed", 400, "Writing a record failed (another import wrote it meanwhile); "
                    "nothing was imported. Send the file again."),
        ProblemType("cross_city_reference", 400, "A record names a partner, space or zone of another city."),
        ProblemType("upload_invalid", 400, "Rows of the CSV upload have errors and nothing was stored: "
                    "`errors` lists each (`line`, `column`, `message`)."),
        ProblemType("upload_conflict", 400, "Another upload stored other values for the same rows meanwhile; "
                    "nothing was stored. Upload the file again."),
    ]
}  # fmt: skip

# Ninja's own HTTP errors (authentication, throttling) by status; other statuses get the code "error".
HTTP_ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}

# The OpenAPI schema of a problem document (`#/components/schemas/Problem`).
PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "An error (RFC 9457 problem details, `application/problem+json`): docs/api-errors.md.",
    "type": "object",
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "The problem type's URL (it explains the code).",
        },
        "title": {"type": "string", "description": "A short title of the kind of problem, translated."},
        "status": {"type": "integer", "description": "The HTTP status."},
        "code": {"type": "string", "description": "The machine code (docs/api-errors.md)."},
        "detail": {"type": "string", "description": "What went wrong, translated."},
    },
    "required": ["type", "title", "status", "code", "detail"],
    "additionalProperties": True,
}
