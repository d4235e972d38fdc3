"""Django's createsuperuser, whose account can then log in through allauth."""

from allauth.account.models import EmailAddress
from django.contrib.auth.management.commands import createsuperuser

from lms.people.models import User


class Command(createsuperuser.Command):
    help = (
        "Create a superuser whose e-mail address counts as confirmed; at the "
        "first login it sets up its authenticator app."
    )

    def handle(self, *args, **options) -> None:
        existing = set(User.objects.values_list("pk", flat=True))
        super().handle(*args, **options)
        # Logins need a confirmed address (ACCOUNT_EMAIL_VERIFICATION is
        # mandatory), and a new superuser has no one to confirm it for them.
        # Whoever can run this command already controls the server, so the
        # address given here is trusted as if confirmed.
        for user in User.objects.exclude(pk__in=existing).exclude(email=""):
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email,
                defaults={"verified": True, "primary": True},
            )
