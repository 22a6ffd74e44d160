"""Writes of the LRS, by concern; every public name is importable from `rianru.lrs.services`.

- `credentials`: create, revoke, rotate, authenticate (process cache) credentials; their `authority` Agent.
- `statements`: store statements (insert-only, raw SQL), their index rows and activity definitions.
- `documents`: save and delete State, Activity Profile and Agent Profile documents.
- `erasure`: PDPA erasure of a person's statements and documents.
- `upload`: CSV rows stored as statements, all or nothing (cells parsed in `upload_cells`).
- `forwarding`: the configuration of forwarding to another LRS (the sending is `rianru.lrs.forwarder`).
"""

from rianru.lrs.services.credentials import (
    CREDENTIAL_CACHE_SECONDS,
    check_manage,
    credential_authenticate,
    credential_authority,
    credential_create,
    credential_forget,
    credential_revoke,
    credential_rotate,
    hash_secret,
    scopes_clean,
)
from rianru.lrs.services.documents import (
    check_preconditions,
    document_etag,
    document_save,
    documents_delete,
    is_json_type,
)
from rianru.lrs.services.erasure import (
    ERASURE_CHUNK,
    ERASURE_SALT,
    SIGNATURE_USAGE,
    Erasure,
    agent_erase,
    attachments_drop,
    erasure_agent,
    statements_rewrite,
)
from rianru.lrs.services.forwarding import (
    forwarding_create,
    forwarding_rewind,
    forwarding_update,
    reencrypt_secrets,
    rejections_retry,
)
from rianru.lrs.services.statements import (
    DEFINED_CACHE_SIZE,
    INSERT_CHUNK,
    AttachmentPart,
    activities_define,
    activity_merge,
    announce_stored,
    check_same_as_stored,
    index_entries,
    index_rows,
    insert_chunked,
    insert_statements,
    insert_statements_and_index,
    statement_version,
    statements_store,
)
from rianru.lrs.services.upload import (
    UploadRejected,
    UploadResult,
    max_bytes,
    statements_upload,
    upload_credential,
)

__all__ = [
    "CREDENTIAL_CACHE_SECONDS",
    "DEFINED_CACHE_SIZE",
    "ERASURE_CHUNK",
    "ERASURE_SALT",
    "INSERT_CHUNK",
    "SIGNATURE_USAGE",
    "AttachmentPart",
    "Erasure",
    "UploadRejected",
    "UploadResult",
    "activities_define",
    "activity_merge",
    "agent_erase",
    "announce_stored",
    "attachments_drop",
    "check_manage",
    "check_preconditions",
    "check_same_as_stored",
    "credential_authenticate",
    "credential_authority",
    "credential_create",
    "credential_forget",
    "credential_revoke",
    "credential_rotate",
    "document_etag",
    "document_save",
    "documents_delete",
    "erasure_agent",
    "forwarding_create",
    "forwarding_rewind",
    "forwarding_update",
    "hash_secret",
    "index_entries",
    "index_rows",
    "insert_chunked",
    "insert_statements",
    "insert_statements_and_index",
    "is_json_type",
    "max_bytes",
    "reencrypt_secrets",
    "rejections_retry",
    "scopes_clean",
    "statement_version",
    "statements_rewrite",
    "statements_store",
    "statements_upload",
    "upload_credential",
]
