"""Signed statements (xAPI Data 2.6): a JWS attachment whose payload is the statement itself, checked
against the X.509 certificate in its `x5c` header when it has one."""

import base64
import binascii
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from rianru.lrs import agents as xagents
from rianru.lrs.errors import BadRequest


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


SIGNATURE_HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def verify_with_certificate(header: dict, signing_input: bytes, signature: bytes) -> None:
    """A JWS whose header carries its X.509 certificate (`x5c`) must verify with that certificate's key
    (xAPI Data 2.6: "validate the signature against that certificate"). The certificate is not checked
    against a trust store: it proves the statement is unchanged since it was signed, not who signed."""
    chain = header["x5c"]
    if not isinstance(chain, list) or not chain or not all(isinstance(item, str) for item in chain):
        raise BadRequest("The signature's x5c header must be a list of base64 DER certificates.")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
        key = certificate.public_key()
    except (ValueError, binascii.Error) as error:
        raise BadRequest("The first certificate in the signature's x5c header cannot be read.") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise BadRequest("The certificate in the signature's x5c header must hold an RSA key.")
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), SIGNATURE_HASHES[header["alg"]]())
    except InvalidSignature:
        raise BadRequest("The signature does not verify with the certificate in its x5c header.") from None


def check_signature(statement: dict, attachment: dict, part) -> None:
    """A signed statement: a JWS (RS256/384/512) whose payload is the statement itself (Data 2.6)."""
    if attachment["contentType"] != "application/octet-stream":
        raise BadRequest("A signature attachment must have the contentType application/octet-stream.")
    if part is None:
        raise BadRequest("A signature attachment must be sent with the statement.")
    try:
        header_text, payload_text, signature_text = part.content.decode("ascii").strip().split(".")
        header = json.loads(b64url(header_text))
        payload = json.loads(b64url(payload_text))
        signature = b64url(signature_text)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise BadRequest("The signature is not a JSON Web Signature in compact serialization.") from error
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_HASHES:
        raise BadRequest("A statement signature must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict):
        raise BadRequest("The signature's payload is not a statement.")
    if "x5c" in header:
        verify_with_certificate(header, f"{header_text}.{payload_text}".encode("ascii"), signature)
    ignored = ("authority", "stored", "attachments", "version", "id")
    left, right = xagents.comparable(payload, ignored), xagents.comparable(statement, ignored)
    if left != right or (
        "id" in payload and "id" in statement and payload["id"].lower() != statement["id"].lower()
    ):
        raise BadRequest("The signature's payload does not match the statement.")
