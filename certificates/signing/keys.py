"""The issuer's Ed25519 signing keys, kept as PEM files outside the database.

Each key is a file `<kid>.pem` in CERTIFICATE_KEYS_DIR, its kid the day it was
made ("2026-11-22", then "2026-11-22-2" for a second key the same day). The
newest key signs; every key in the folder stays published, so credentials
signed before a rotation still verify. Retiring a key means deleting its file,
which makes every credential it signed unverifiable: do it only after a leak.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc.jwk import OKPKey

KID_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: OKPKey


def keys_dir() -> Path:
    """Return the folder of key files (CERTIFICATE_KEYS_DIR)."""
    return Path(settings.CERTIFICATE_KEYS_DIR)


def current_signing_key() -> SigningKey:
    """Return the newest key, the one that signs new credentials."""
    kids = _kids()
    if not kids:
        raise ImproperlyConfigured(
            f"No issuer signing key in {keys_dir()}: credentials cannot be signed. "
            "Create one with `python manage.py create_issuer_key`."
        )
    kid = kids[-1]
    return SigningKey(kid=kid, key=_load(kid))


def find_public_key(kid: str) -> OKPKey | None:
    """Return the public half of the key with this kid, or None if there is none."""
    if kid not in _kids():
        return None
    return OKPKey.import_key(_load(kid).as_dict(private=False))


def public_keys() -> dict[str, OKPKey]:
    """Return every published public key by kid, oldest first."""
    return {kid: find_public_key(kid) for kid in _kids()}


def public_jwks() -> dict:
    """Return the JSON Web Key Set of every published key."""
    return {"keys": [public_jwk(kid, key) for kid, key in public_keys().items()]}


def public_jwk(kid: str, key: OKPKey) -> dict:
    jwk = key.as_dict(private=False)
    return {
        "kid": kid,
        "kty": jwk["kty"],
        "crv": jwk["crv"],
        "x": jwk["x"],
        "alg": "EdDSA",
        "use": "sig",
    }


def create_key(*, today: date) -> str:
    """Write a new key file, readable by its owner only, and return its kid."""
    folder = keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    kid = today.isoformat()
    sequence = 1
    while (folder / f"{kid}.pem").exists():
        sequence += 1
        kid = f"{today.isoformat()}-{sequence}"
    pem = Ed25519PrivateKey.generate().private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    # O_EXCL: two commands run at once never overwrite each other's key.
    descriptor = os.open(
        folder / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600
    )
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return kid


def _kids() -> list[str]:
    """Return the kids of the key files, oldest first."""
    folder = keys_dir()
    if not folder.is_dir():
        return []
    found = [path.stem for path in folder.glob("*.pem")]
    return sorted((kid for kid in found if KID_PATTERN.match(kid)), key=_age)


def _age(kid: str) -> tuple[str, int]:
    day, sequence = KID_PATTERN.match(kid).groups()
    return day, int(sequence or 1)


def _load(kid: str) -> OKPKey:
    path = keys_dir() / f"{kid}.pem"
    try:
        key = OKPKey.import_key(path.read_bytes())
    except (ValueError, TypeError):
        key = None
    if key is None or not key.is_private or key.curve_name != "Ed25519":
        raise ImproperlyConfigured(f"{path} is not an Ed25519 private key in PEM.")
    return key
