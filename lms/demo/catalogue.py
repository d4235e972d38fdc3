"""Demo site: the catalogue as home page, fixture courses, one account per role."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from wagtail.models import Page, Site

from courses.importing import import_course
from courses.models import CataloguePage, CoursePage
from lms.accounts.staff_security import must_use_mfa
from lms.people.models import Person, User

CATALOGUE_INTRO = (
    "<p>Cursos virtuales del <b>Gobierno Regional de Cajamarca</b> para fortalecer "
    "la integridad pública: la inducción obligatoria de todo servidor, la formación "
    "de la alta dirección y de formadores, y cursos abiertos a la ciudadanía y a "
    "las empresas. Al aprobar, obtiene una constancia verificable.</p>"
)
DEMO_PASSWORD = "Integridad-2026"
# Published like the password: every demo staff account's authenticator app
# uses it, so a tester adds it once to an app (or runs demo_totp_code).
DEMO_TOTP_SECRET = "JFXHIZLHOJUWIYLEEBBWC2TBNVQXEY3B"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    group: str | None = None
    dni: str = ""
    superuser: bool = False
    password: str = DEMO_PASSWORD


ACCOUNTS = (
    DemoAccount(
        "servidora@demo.regioncajamarca.pe",
        "Rosa Elena",
        "Quispe Huamán",
        "Servidora pública nueva (CAS)",
        "Servidores públicos",
        dni="42388604",
    ),
    DemoAccount(
        "gobernador@demo.regioncajamarca.pe",
        "Luis Alberto",
        "Chávez Terrones",
        "Gobernador regional",
        "Alta dirección",
        dni="10117410",
    ),
    DemoAccount(
        "formadora@demo.regioncajamarca.pe",
        "Carmen Rosa",
        "Vásquez Sánchez",
        "Formadora en integridad (OII)",
        "Formadores",
        dni="45678912",
    ),
    DemoAccount(
        "rrhh@demo.regioncajamarca.pe",
        "Jorge Luis",
        "Mendoza Cueva",
        "RR.HH. de todo el Gobierno Regional",
        "Recursos humanos",
        dni="40123456",
    ),
    DemoAccount(
        "ciudadano@demo.regioncajamarca.pe",
        "Pedro Pablo",
        "Llanos Cabrera",
        "Ciudadano",
        "Ciudadanía",
        dni="71234567",
    ),
    DemoAccount(
        "empresa@demo.regioncajamarca.pe",
        "María Isabel",
        "Rojas Díaz",
        "Representante de empresa",
        "Empresas",
        dni="46543210",
    ),
    DemoAccount(
        "integridad@demo.regioncajamarca.pe",
        "Silvia Judith",
        "Alcántara Mego",
        "Oficial de integridad (ve todas las unidades)",
        # Approves what editors submit to "Revisión de contenidos".
        "Oficina de integridad",
        dni="41876543",
    ),
    DemoAccount(
        "rrhh.social@demo.regioncajamarca.pe",
        "Walter Hugo",
        "Terán Izquierdo",
        "RR.HH. de la Gerencia Regional de Desarrollo Social (solo esa unidad)",
        dni="44556677",
    ),
    DemoAccount(
        "jefe.economico@demo.regioncajamarca.pe",
        "César Augusto",
        "Cabanillas Silva",
        "Jefe de la Gerencia Regional de Desarrollo Económico (lectura)",
        dni="43322110",
    ),
    DemoAccount(
        "editora@demo.regioncajamarca.pe",
        "Ana Lucía",
        "Cerna Ortiz",
        "Editora de cursos (admin Wagtail)",
        "Editores",
        dni="43210987",
    ),
    DemoAccount(
        "admin@demo.regioncajamarca.pe",
        "Administrador",
        "del Sistema",
        "Administrador (superusuario)",
        superuser=True,
    ),
)


def ensure_catalogue() -> CataloguePage:
    """Return the catalogue, creating it as the default site's home page."""
    catalogue = CataloguePage.objects.first()
    if catalogue:
        return catalogue
    root = Page.get_first_root_node()
    catalogue = CataloguePage(
        title="Cursos de integridad pública", slug="cursos", intro=CATALOGUE_INTRO
    )
    root.add_child(instance=catalogue)
    catalogue.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(
        is_default_site=True
    )
    previous_home = site.root_page_id
    # Absolute page URLs (API, emails) should point where the demo is served.
    address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = address.hostname
    site.port = address.port or (443 if address.scheme == "https" else 80)
    site.root_page = catalogue
    site.site_name = "Integridad Cajamarca"
    site.save()
    # Wagtail's placeholder "Welcome" page is no use once the catalogue is home.
    Page.objects.filter(pk=previous_home, content_type__model="page").delete()
    return catalogue


def ensure_courses(
    catalogue: CataloguePage, courses: Mapping[str, Mapping]
) -> list[CoursePage]:
    """Import the courses whose slug is new; never overwrite an editor's work.

    `courses` maps a file name to its course data, so errors can name the file.
    """
    existing = set(
        CoursePage.objects.child_of(catalogue).values_list("slug", flat=True)
    )
    created = []
    for name, data in courses.items():
        if data["slug"] in existing:
            continue
        try:
            created.append(import_course(catalogue, data))
        except ValidationError as error:
            details = json.dumps(error.as_json_data(), ensure_ascii=False)
            raise CommandError(f"{name}: {details}") from None
        except KeyError as error:
            raise CommandError(f"{name}: missing field {error}") from None
    return created


def ensure_accounts() -> list[DemoAccount]:
    """Create or reset the demo accounts, with verified e-mail addresses."""
    for account in ACCOUNTS:
        user, _created = User.objects.update_or_create(
            email=account.email,
            defaults={
                "username": account.email.split("@")[0],
                "first_name": account.first_name,
                "last_name": account.last_name,
                "is_superuser": account.superuser,
                "is_staff": account.superuser,
            },
        )
        user.set_password(account.password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        if account.group:
            user.groups.add(Group.objects.get_or_create(name=account.group)[0])
        if account.dni:
            Person.objects.update_or_create(
                user=user,
                defaults={
                    "document_number": account.dni,
                    "first_names": account.first_name,
                    "last_names": account.last_name,
                },
            )
    return list(ACCOUNTS)


def ensure_second_factors() -> list[str]:
    """Give every demo account that must use two-factor the demo secret.

    Run after the roles, groups and trainers exist: whoever they make
    staff (lms.accounts.staff_security) gets the authenticator. Returns the e-mails.
    """
    staff = [
        user
        for user in User.objects.filter(email__in=[a.email for a in ACCOUNTS])
        if must_use_mfa(user)
    ]
    Authenticator.objects.filter(user__in=staff, type=Authenticator.Type.TOTP).delete()
    for user in staff:
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return sorted(user.email for user in staff)


def current_totp_code(secret: str, *, now: float | None = None) -> str:
    """The code an authenticator app with `secret` shows at `now`."""
    moment = time.time() if now is None else now
    counter = int(moment) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
