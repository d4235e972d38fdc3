import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.demo import (
    ensure_demo_certificates,
    ensure_demo_issuer,
    issue_staff_certificates,
)
from lms.demo import catalogue as demo_catalogue
from lms.demo.cohorts import ensure_cohort_demo
from lms.demo.staff import ensure_staff_demo
from lms.models import User

DEFAULT_COURSES_DIR = Path(settings.BASE_DIR) / "fixtures" / "courses"
ORGANISATIONS_FILE = Path(settings.BASE_DIR) / "fixtures" / "organisations.json"
HELD_BACK = "django.core.mail.backends.locmem.EmailBackend"


@contextmanager
def held_back_mail() -> Iterator[list]:
    """Collect the e-mails sent meanwhile, leaving a test's outbox as it was."""
    before = getattr(mail, "outbox", None)
    mail.outbox = []
    try:
        yield mail.outbox
    finally:
        if before is None:
            del mail.outbox
        else:
            mail.outbox = before


class Command(BaseCommand):
    help = (
        "Create demo courses, accounts, units, staff and training rules "
        "(idempotent). Only with DEBUG on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--courses-dir",
            type=Path,
            default=DEFAULT_COURSES_DIR,
            help="Folder of course JSON files (default: fixtures/courses).",
        )

    def handle(self, *args, courses_dir: Path, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "seed_demo creates accounts with public passwords, so it only "
                    "runs with DEBUG on. Do not run it in production."
                )
            )
        courses = {
            path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(courses_dir.glob("*.json"))
        }
        courses = dict(
            sorted(courses.items(), key=lambda item: item[1].get("order", 0))
        )
        # The demo's certificates and invitations would print thousands of
        # lines of e-mail on the console backend: they are counted instead.
        with (
            override_settings(EMAIL_BACKEND=HELD_BACK),
            held_back_mail() as outbox,
            transaction.atomic(),
        ):
            catalogue = demo_catalogue.ensure_catalogue()
            created = demo_catalogue.ensure_courses(catalogue, courses)
            accounts = demo_catalogue.ensure_accounts()
            ensure_demo_issuer()
            staffing = ensure_staff_demo(
                json.loads(ORGANISATIONS_FILE.read_text(encoding="utf-8")),
                today=timezone.localdate(),
            )
            certificates = ensure_demo_certificates(
                now=timezone.now(),
                revoked_by=User.objects.get(email=demo_catalogue.ACCOUNTS[-1].email),
            )
            issue_staff_certificates(now=timezone.now())
            cascade = ensure_cohort_demo(now=timezone.now())
            second_factor = demo_catalogue.ensure_second_factors()
        self.stdout.write(
            _("New courses: %(created)d. Courses in the catalogue: %(total)d.")
            % {"created": len(created), "total": len(courses)}
        )
        self.stdout.write(
            _(
                "New units: %(units)d, staff: %(staff)d, roles: %(roles)d, "
                "assignments: %(assignments)d."
            )
            % staffing
        )
        self.stdout.write(
            _("Certified trainers: %(trainers)d; new trainer cohorts: %(cohorts)d.")
            % cascade
        )
        self.stdout.write(_("Demo accounts (email / password / role):"))
        for account in accounts:
            self.stdout.write(
                f"  {account.email:<40} {account.password:<20} {account.role}"
            )
        self.stdout.write(
            _(
                "Staff accounts also ask for a second factor: add the secret "
                "%(secret)s to an authenticator app, or run "
                "`python manage.py demo_totp_code` for the current code. "
                "They are: %(emails)s."
            )
            % {
                "secret": demo_catalogue.DEMO_TOTP_SECRET,
                "emails": ", ".join(second_factor),
            }
        )
        self.stdout.write(_("Demo certificates (state / code / verification page):"))
        for state, code in certificates:
            url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + f"/verificar/{code}/"
            self.stdout.write(f"  {state:<12} {code}  {url}")
        self.stdout.write(
            _("E-mails the demo held back instead of sending: %(count)d.")
            % {"count": len(outbox)}
        )
        self.stdout.write(_("Site: %(url)s") % {"url": settings.WAGTAILADMIN_BASE_URL})
