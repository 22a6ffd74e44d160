"""xAPI's multipart/mixed bodies: reading a request's parts, writing a body with attachments.

Plain functions over bytes, shared by the xAPI resources (`xapi.views`, `xapi.wire`) and the forwarder.
"""

import hashlib
import re
from dataclasses import dataclass

from rianru.lrs.errors import BadRequest


@dataclass
class Part:
    headers: dict[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def boundary_of(content_type: str) -> str:
    match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type, re.IGNORECASE)
    if not match:
        raise BadRequest("A multipart/mixed request needs a boundary in its Content-Type header.")
    return match.group(1) or match.group(2)


def parse_multipart(body: bytes, content_type: str) -> list[Part]:
    boundary = boundary_of(content_type).encode()
    delimiter = b"--" + boundary
    if delimiter not in body:
        raise BadRequest("The multipart body does not contain its boundary.")
    chunks = body.split(delimiter)
    parts = []
    closed = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            closed = True
            break
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        elif chunk.endswith(b"\n"):
            chunk = chunk[:-1]
        head, separator, content = chunk.partition(b"\r\n\r\n")
        if not separator:
            head, separator, content = chunk.partition(b"\n\n")
        if not separator:
            if chunk.strip():
                raise BadRequest("A multipart part has no header block.")
            head, content = chunk, b""
        headers = {}
        for line in head.decode("utf-8", "replace").splitlines():
            if ":" in line:
                name, _sep, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers=headers, content=content))
    if not closed:
        raise BadRequest("The multipart body is not closed by its final boundary.")
    if not parts:
        raise BadRequest("The multipart body has no parts.")
    return parts


def sha2_hex(content: bytes, length: int) -> str:
    algorithm = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}.get(
        length, hashlib.sha256
    )
    return algorithm(content).hexdigest()


def multipart_mixed(first: bytes, attachments, boundary: str) -> tuple[bytes, str]:
    """xAPI's multipart/mixed body: the JSON first, then each attachment (content_type, sha2, content)
    with its hash header; and the Content-Type that names the boundary."""
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first, b"\r\n"]
    for attachment in attachments:
        chunks += [
            f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\n"
            "Content-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
            bytes(attachment.content),
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
