"""Secrets Rianru has to use again, such as the password another LRS gave us, are kept encrypted.

Fernet (AES-128-CBC with an HMAC-SHA256, from the `cryptography` package; docs/decisions/0011) with a key
derived from DJANGO_SECRET_KEY by HKDF-SHA256. Keys derived from DJANGO_SECRET_KEY_FALLBACKS still
decrypt, so the secret key can be rotated: move the old one to the fallbacks, and every secret saved
again (or `rianru lrs forward --reencrypt`) is encrypted with the new one.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from rianru.core.errors import ApplicationError

PURPOSE = b"rianru.lrs.forwarding-secret"


class SecretUnreadable(ApplicationError):
    code = "secret_unreadable"
    status = 500


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"rianru", info=PURPOSE).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    secret_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret_key) for secret_key in secret_keys])


def encrypt(text: str) -> str:
    return _keys().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable(
            _(
                "The stored secret cannot be decrypted: DJANGO_SECRET_KEY changed without the old key in "
                "DJANGO_SECRET_KEY_FALLBACKS. Enter the secret again."
            )
        ) from None


def reencrypt(token: str) -> str:
    """The same secret encrypted with the current key (after a key rotation)."""
    try:
        return _keys().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return decrypt(token)  # raises SecretUnreadable
