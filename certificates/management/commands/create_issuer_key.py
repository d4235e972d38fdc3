from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.signing import keys


class Command(BaseCommand):
    help = (
        "Create a new Ed25519 key for signing credentials in CERTIFICATE_KEYS_DIR "
        "and print its kid. New credentials use it; older keys stay published."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing if a key already exists.",
        )

    def handle(self, *args, if_missing: bool, **options):
        if if_missing and keys.public_keys():
            kid = keys.current_signing_key().kid
            self.stdout.write(f"Key {kid} already exists in {keys.keys_dir()}.")
            return
        kid = keys.create_key(today=timezone.localdate())
        self.stdout.write(kid)
