"""Screenshots of every demo role's main pages, at 1280 and 375 px wide.

Run against the demo served by the README's first command (`bash
scripts/demo.sh`), on this machine: staff sign in with the code that
`manage.py demo_totp_code` prints. Usually through `bash scripts/screens.sh`.

    .venv/bin/python scripts/screens.py [--url URL] [--out DIR] [--role NAME ...]

Files are named ROLE-PAGE-WIDTH.png. To add a page, add a Shot to its role in
ROLES: a path, or a function that takes the Playwright page and goes there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Integridad-2026"  # the demo's published password (lms/demo/catalogue.py)
DOMAIN = "demo.regioncajamarca.pe"
WIDTHS = {1280: 900, 375: 812}  # width: height of the first screen
TOTP_PERIOD = 30
TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class Shot:
    """One page of a role: `go` is a path, or a function that opens the page."""

    name: str
    go: str | Callable[[Page, str], None]


@dataclass(frozen=True)
class Role:
    name: str
    account: str | None  # the part of the demo e-mail before @, None: anonymous
    shots: list[Shot] = field(default_factory=list)


def first_link(start: str, pattern: str) -> Callable[[Page, str], None]:
    """Open `start`, then the first link whose address matches `pattern`.

    For pages whose address the demo draws at random (a person's record, a
    verification code, a page's id in the editor).
    """

    def go(page: Page, base: str) -> None:
        page.goto(base + start)
        hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
        matching = [href for href in hrefs if re.search(pattern, href)]
        if not matching:
            raise LookupError(f"No link matching {pattern!r} on {start}")
        page.goto(matching[0])

    return go


def first_lesson(course: str) -> Callable[[Page, str], None]:
    """Open the course's first lesson, enrolling first as the README's journey does.

    The only change the screenshots make to the demo: the learner is enrolled.
    """

    def go(page: Page, base: str) -> None:
        page.goto(base + course)
        enrol = page.get_by_role("button", name="Inscríbase en este curso")
        if enrol.count():
            enrol.click()
            page.wait_for_load_state()
        first_link(course, course + r"[^/#]+/[^/#]+/$")(page, base)

    return go


INDUCTION = "/modulo-induccion-integridad/"
COMPANY = "/empresas/20601234565/"  # the demo firm's page (certificates/demo.py)

ROLES = [
    Role(
        "anonimo",
        None,
        [
            Shot("inicio", "/"),
            Shot("verificar", "/verificar/"),
            Shot("verificacion", first_link(COMPANY, r"/verificar/[\w-]+/$")),
            Shot("empresas", "/empresas/"),
            Shot("formadores", "/formadores/"),
            Shot("transparencia", "/transparencia/"),
            Shot("curso", INDUCTION),
        ],
    ),
    Role(
        "servidora",
        "servidora",
        [
            Shot("mis-cursos", "/mis-cursos/"),
            Shot("curso", INDUCTION),
            Shot("leccion", first_lesson(INDUCTION)),
            Shot("mis-certificados", "/mis-certificados/"),
            Shot("mi-cuenta", "/mi-cuenta/"),
        ],
    ),
    Role(
        "ciudadano",
        "ciudadano",
        [
            Shot("mis-cursos", "/mis-cursos/"),
            Shot("mis-certificados", "/mis-certificados/"),
            Shot("mi-cuenta", "/mi-cuenta/"),
        ],
    ),
    Role(
        "empresa",
        "empresa",
        [
            Shot("mi-empresa", COMPANY),
            Shot("mis-certificados", "/mis-certificados/"),
        ],
    ),
    Role(
        "formadora",
        "formadora",
        [
            Shot("mis-grupos", "/formador/"),
            Shot("grupo", first_link("/formador/", r"/formador/grupos/\d+/$")),
        ],
    ),
    Role(
        "rrhh",
        "rrhh",
        [
            Shot("admin-inicio", "/admin/"),
            Shot("personal", "/admin/personal/"),
            Shot("persona", first_link("/admin/personal/", r"/admin/personal/\d+/")),
            Shot("informe", "/admin/hr-reports/completion/"),
        ],
    ),
    Role(
        "jefe",
        "jefe.economico",
        [
            Shot("admin-inicio", "/admin/"),
            Shot("informe", "/admin/hr-reports/overdue/"),
        ],
    ),
    Role(
        "integridad",
        "integridad",
        [
            Shot("admin-inicio", "/admin/"),
            Shot("intentos-adicionales", "/admin/intentos-adicionales/"),
            Shot("empresas", "/admin/empresas/"),
            Shot("formadores", "/admin/formadores/"),
        ],
    ),
    Role(
        "editora",
        "editora",
        [
            Shot("admin-inicio", "/admin/"),
            # The induction course, found as an editor would, by the search.
            Shot(
                "editor",
                first_link(
                    "/admin/pages/search/?q=Módulo+de+Inducción+en+Integridad",
                    r"/admin/pages/\d+/edit/$",
                ),
            ),
        ],
    ),
]


def totp_code() -> str:
    """Return the demo staff's current code, as `manage.py demo_totp_code` says."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    result = subprocess.run(
        [sys.executable, "manage.py", "demo_totp_code"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


class SignIn:
    """Logs demo accounts in, the staff with the second factor.

    allauth accepts a code once per account: an account that signed in
    during the current 30 s window waits for the next one.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.windows: dict[str, int] = {}

    def __call__(self, page: Page, account: str) -> None:
        page.goto(self.base + "/accounts/login/")
        page.get_by_label("Correo electrónico").fill(f"{account}@{DOMAIN}")
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()
        for _attempt in range(3):
            if "/accounts/2fa/authenticate/" not in page.url:
                return
            self.wait_for_a_new_window(account)
            page.get_by_label("Código").fill(totp_code())
            page.get_by_role("button", name="Iniciar sesión").click()
            page.wait_for_load_state()
        raise RuntimeError(f"{account}: the second factor was refused three times.")

    def wait_for_a_new_window(self, account: str) -> None:
        window = int(time.time()) // TOTP_PERIOD
        if self.windows.get(account) == window:
            time.sleep((window + 1) * TOTP_PERIOD - time.time() + 1)
        self.windows[account] = int(time.time()) // TOTP_PERIOD


def shoot(page: Page, base: str, role: Role, shot: Shot, out: Path) -> list[Path]:
    """Open the shot's page, then save it at each width; return the files."""
    if isinstance(shot.go, str):
        response = page.goto(base + shot.go)
        # A page missing or refused is reported, not photographed.
        if response is not None and response.status >= 400:
            raise LookupError(f"{shot.go} answered {response.status}")
    else:
        shot.go(page, base)
    page.wait_for_load_state("networkidle")
    files = []
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        # The new width may move things; let the layout settle.
        page.wait_for_timeout(200)
        file = out / f"{role.name}-{shot.name}-{width}.png"
        page.screenshot(path=file, full_page=True)
        files.append(file)
    return files


def wait_for_the_demo(base: str, seconds: int = 90) -> bool:
    """Wait until the demo answers: installing the test tools into its
    environment makes runserver reload, and it refuses connections meanwhile."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                return True
        except OSError:
            time.sleep(1)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument(
        "--role",
        action="append",
        choices=[role.name for role in ROLES],
        help="only these roles (repeatable); default: all",
    )
    args = parser.parse_args()
    base = args.url.rstrip("/")
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium is missing: apt-get install chromium", file=sys.stderr)
        return 1
    if not wait_for_the_demo(base):
        print(f"No demo answers at {base}: run bash scripts/demo.sh", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    sign_in = SignIn(base)
    failures = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox"]
        )
        for role in ROLES:
            if args.role and role.name not in args.role:
                continue
            context = browser.new_context(
                locale="es-PE",
                timezone_id="America/Lima",
                viewport={"width": 1280, "height": 900},
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            if role.account:
                sign_in(page, role.account)
            for shot in role.shots:
                try:
                    files = shoot(page, base, role, shot, args.out)
                except Exception as error:  # noqa: BLE001 - report, go on
                    failures += 1
                    print(f"FAILED {role.name}-{shot.name}: {error}", file=sys.stderr)
                    continue
                print(" ".join(file.name for file in files))
            context.close()
        browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
