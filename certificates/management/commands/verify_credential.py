"""Check a signed credential (VC-JWT) file the way any verifier would."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.signing import credentials, status_list

# Exit codes; a valid credential ends normally, with 0.
INVALID, USAGE = 1, 2


class Command(BaseCommand):
    help = (
        "Verify a credential file (VC-JWT) with the published keys and print the "
        "verdict. Exit code 0 if valid, 1 if not, 2 on a usage error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="File holding the VC-JWT.")
        parser.add_argument(
            "--jwks",
            type=Path,
            help="Verify with this jwks.json instead of CERTIFICATE_KEYS_DIR.",
        )
        parser.add_argument(
            "--online",
            action="store_true",
            help=(
                "Also check revocation. The status list is built here from the "
                "database, as /api/v1/status-list/revocation serves it, and its "
                "signature checked; no network is used."
            ),
        )

    def handle(self, *args, file: Path, jwks: Path | None, online: bool, **options):
        try:
            token = file.read_text(encoding="utf-8")
            keys = (
                credentials.keys_from_jwks(
                    json.loads(jwks.read_text(encoding="utf-8")),
                    did=credentials.issuer_did(),
                )
                if jwks
                else credentials.published_keys()
            )
        except (OSError, UnicodeError, ValueError, AttributeError) as error:
            self.stderr.write(f"Cannot read the input: {error}")
            sys.exit(USAGE)
        bits = None
        if online:
            try:
                bits = status_list.bits_from_status_list(
                    status_list.signed_status_list(), keys=keys
                )
            except ValueError as error:
                self.stderr.write(f"Cannot check revocation: {error}")
                sys.exit(USAGE)
        verdict = credentials.verify(
            token, keys=keys, today=timezone.localdate(), status_bits=bits
        )
        if verdict.valid:
            subject = verdict.credential["credentialSubject"]
            self.stdout.write(
                f"valid: {verdict.credential['name']} – {subject['name']}"
                + ("" if online else " (revocation not checked: use --online)")
            )
            return
        self.stdout.write(f"invalid: {verdict.reason}")
        sys.exit(INVALID)
