"""Attachments in multipart/mixed requests and responses, and signed statements (JWS)."""

import base64
import hashlib
import json

import pytest

from rianru.lrs.tests.helpers import statement

BOUNDARY = "xapi-boundary-1234"
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment_meta(
    content: bytes, usage="http://x.org/attachment/certificate", content_type="text/plain"
) -> dict:
    return {
        "usageType": usage,
        "display": {"en": "Certificate", "th": "ใบรับรอง"},
        "contentType": content_type,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(data, parts: list[tuple[bytes, dict]], first_type="application/json") -> bytes:
    chunks = [
        f"--{BOUNDARY}\r\nContent-Type: {first_type}\r\n\r\n".encode(),
        json.dumps(data).encode(),
        b"\r\n",
    ]
    for content, headers in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks += [f"--{BOUNDARY}\r\n{head}\r\n".encode(), content, b"\r\n"]
    chunks.append(f"--{BOUNDARY}--".encode())
    return b"".join(chunks)


def part_headers(content: bytes, **extra) -> dict:
    headers = {
        "Content-Type": "text/plain",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
    }
    headers.update(extra)
    return headers


def post_multipart(xapi, body: bytes):
    return xapi.post_statements(body, content_type=f"multipart/mixed; boundary={BOUNDARY}")


def test_attachment_round_trip(xapi):
    content = "ใบรับรองการเข้าร่วม".encode()
    data = statement(attachments=[attachment_meta(content)])
    response = post_multipart(xapi, multipart(data, [(content, part_headers(content))]))
    assert response.status_code == 200, response.content
    statement_id = response.json()[0]
    got = xapi.get_statements({"statementId": statement_id, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert content in got.content
    assert hashlib.sha256(content).hexdigest().encode() in got.content
    plain = xapi.get_statements({"statementId": statement_id, "attachments": "false"})
    assert plain["Content-Type"] == "application/json"


def test_file_url_attachment_needs_no_part(xapi):
    meta = {**attachment_meta(b"x"), "fileUrl": "https://example.org/certificate.pdf"}
    assert xapi.post_statements(statement(attachments=[meta])).status_code == 200


def test_attachment_errors(xapi):
    content = b"content"
    data = statement(attachments=[attachment_meta(content)])
    # no content sent
    assert xapi.post_statements(data).status_code == 400
    # wrong hash header
    assert (
        post_multipart(
            xapi, multipart(data, [(content, part_headers(content, **{"X-Experience-API-Hash": "0" * 64}))])
        ).status_code
        == 400
    )
    # missing hash header
    headers = part_headers(content)
    del headers["X-Experience-API-Hash"]
    assert post_multipart(xapi, multipart(data, [(content, headers)])).status_code == 400
    # missing Content-Transfer-Encoding
    headers = part_headers(content)
    del headers["Content-Transfer-Encoding"]
    assert post_multipart(xapi, multipart(data, [(content, headers)])).status_code == 400
    # an extra part nobody declares
    extra = b"extra"
    assert (
        post_multipart(
            xapi, multipart(data, [(content, part_headers(content)), (extra, part_headers(extra))])
        ).status_code
        == 400
    )
    # first part not JSON
    assert (
        post_multipart(
            xapi, multipart(data, [(content, part_headers(content))], first_type="text/plain")
        ).status_code
        == 400
    )
    # no boundary
    assert xapi.post_statements(b"--x--", content_type="multipart/mixed").status_code == 400


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(payload: dict, alg="RS256") -> bytes:
    header = b64url(json.dumps({"alg": alg}).encode())
    return f"{header}.{b64url(json.dumps(payload).encode())}.{b64url(b'signature')}".encode()


def signed(data: dict, token: bytes) -> tuple[dict, bytes]:
    meta = attachment_meta(token, usage=SIGNATURE, content_type="application/octet-stream")
    with_signature = {**data, "attachments": [meta]}
    headers = part_headers(token, **{"Content-Type": "application/octet-stream"})
    return with_signature, multipart(with_signature, [(token, headers)])


def test_signed_statements(xapi):
    data = statement(result={"duration": "PT1.234S"})
    _meta, body = signed(data, jws(data))
    assert post_multipart(xapi, body).status_code == 200
    # durations compare to the hundredth of a second
    payload = statement(result={"duration": "PT1.23S"})
    _meta, body = signed(data, jws(payload))
    assert post_multipart(xapi, body).status_code == 200
    # another algorithm
    _meta, body = signed(data, jws(data, alg="HS256"))
    assert post_multipart(xapi, body).status_code == 400
    # a payload that is not the statement
    _meta, body = signed(data, jws(statement(verb={"id": "http://x.org/other"})))
    assert post_multipart(xapi, body).status_code == 400
    # not a JWS
    _meta, body = signed(data, b"not a jws")
    assert post_multipart(xapi, body).status_code == 400


def test_attachments_larger_than_djangos_form_limit(xapi, monkeypatch):
    from rianru.lrs.xapi import wire

    content = b"x" * (3 * 1024 * 1024)  # above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    data = statement(attachments=[attachment_meta(content)])
    response = post_multipart(xapi, multipart(data, [(content, part_headers(content))]))
    assert response.status_code == 200, response.content[:200]
    monkeypatch.setattr(wire, "MAX_BODY", 1024 * 1024)
    response = post_multipart(xapi, multipart(data, [(content, part_headers(content))]))
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["message"]


def certificate_and_key():
    """A self-signed certificate and its RSA key, as a partner system would sign with."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "moodle.example.org")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode(), key


def signed_jws(payload: dict, key, x5c, alg="RS256") -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header = b64url(json.dumps({"alg": alg, "x5c": x5c}).encode())
    body = b64url(json.dumps(payload).encode())
    digest = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}[alg]()
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), digest)
    return f"{header}.{body}.{b64url(signature)}".encode()


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_signature_with_its_certificate_is_verified(xapi, alg):
    certificate, key = certificate_and_key()
    data = statement()
    _meta, body = signed(data, signed_jws(data, key, [certificate], alg))
    assert post_multipart(xapi, body).status_code == 200
    # signed by another key than the certificate's
    _other_certificate, other_key = certificate_and_key()
    _meta, body = signed(data, signed_jws(data, other_key, [certificate], alg))
    response = post_multipart(xapi, body)
    assert response.status_code == 400
    assert b"does not verify" in response.content
    # the signature altered after signing
    token = signed_jws(data, key, [certificate], alg)
    head, payload, signature = token.split(b".")
    tampered = (
        head + b"." + payload + b"." + signature[:-4] + (b"AAAA" if signature[-4:] != b"AAAA" else b"BBBB")
    )
    _meta, body = signed(data, tampered)
    assert post_multipart(xapi, body).status_code == 400


@pytest.mark.parametrize(
    "x5c", ["not a list", [], ["!!! not base64"], [base64.b64encode(b"not a certificate").decode()]]
)
def test_an_unreadable_certificate_is_refused(xapi, x5c):
    _certificate, key = certificate_and_key()
    data = statement()
    _meta, body = signed(data, signed_jws(data, key, x5c))
    response = post_multipart(xapi, body)
    assert response.status_code == 400
    assert b"x5c" in response.content
