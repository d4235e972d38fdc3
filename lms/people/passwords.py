"""Passwords: Django's list of common ones, plus those common around here."""

from pathlib import Path

from django.contrib.auth import password_validation

LOCAL_LIST = Path(__file__).resolve().parent / "common_passwords_es.txt"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Refuse Django's 20,000 common passwords and the local favourites.

    Django's list is mostly English; people here reach for the region, the
    country or "contraseña" followed by digits.
    """

    def __init__(self) -> None:
        super().__init__()
        with LOCAL_LIST.open(encoding="utf-8") as local:
            self.passwords |= {
                line.strip().lower() for line in local if not line.startswith("#")
            }
