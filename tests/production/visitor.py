"""A visitor of the running stack over HTTP, doing what a browser does.

Cookies kept (the secure ones, over HTTPS), forms submitted with their
hidden fields and CSRF token, and the Origin header a browser sends with a
POST. Pages are found by form actions and hrefs, not by their wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

from tests.production.content import NAMES
from tests.production.stack import LEARNER_PASSWORD, Stack, learner_number

LOGIN_PATH = "/accounts/login/"
MY_COURSES_PATH = "/mis-cursos/"


class Visitor:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.session = requests.Session()
        self.page: requests.Response | None = None
        self.lessons_read: list[str] = []

    def get(self, path: str) -> requests.Response:
        self.page = self.session.get(
            urljoin(self.stack.base_url, path), verify=self.stack.verify, timeout=60
        )
        return self.page

    def submit(self, selector: str, data: dict | None = None) -> requests.Response:
        """Fill in the current page's form matching `selector` and send it."""
        soup = BeautifulSoup(self.page.text, "html.parser")
        form = soup.select_one(selector)
        assert form is not None, f"no {selector} on {self.page.url}"
        fields = {
            field["name"]: field.get("value", "")
            for field in form.select("input[type=hidden][name]")
        }
        fields.update(data or {})
        action = urljoin(self.page.url, form.get("action") or self.page.url)
        self.page = self.session.post(
            action,
            data=fields,
            headers={"Origin": self.stack.base_url},
            # Given each time: a session's own `verify` loses to REQUESTS_CA_BUNDLE.
            verify=self.stack.verify,
            timeout=60,
        )
        return self.page

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def log_in(self, email: str) -> requests.Response:
        self.get(LOGIN_PATH)
        return self.submit(
            f'form[action="{LOGIN_PATH}"]',
            {"login": email, "password": LEARNER_PASSWORD},
        )

    def complete_course(self) -> requests.Response:
        """Enrol, read every lesson, pass the assessment; return the result page."""
        course = self.stack.course
        assessment_path = f"/cursos/{course['id']}/evaluacion/"
        self.get(course["path"])
        self.submit('form[action$="/inscribirse/"]')
        for _lesson in range(50):
            if self.path == assessment_path:
                break
            assert self.page.status_code == 200, (self.page.url, self.page.text[:500])
            self.lessons_read.append(self.path)
            self.submit('form[action*="/completar/"]')
        assert self.path == assessment_path, self.page.url
        self.submit('main form[method="post"]:not([action])')
        attempt_id = int(re.fullmatch(r"/intentos/(\d+)/", self.path)[1])
        self.submit("form.quiz", self.right_answers(attempt_id))
        assert self.path == f"/intentos/{attempt_id}/resultado/", self.page.url
        return self.page

    def right_answers(self, attempt_id: int) -> dict[str, list[str]]:
        """The right options of the questions this attempt drew, as stored."""
        # psycopg reads the JSON column into lists and dicts.
        [(questions,)] = self.stack.query(
            "SELECT questions FROM lms_attempt WHERE id = %s", attempt_id
        )
        return {
            f"q-{question['id']}": [
                option["id"] for option in question["options"] if option["correct"]
            ]
            for question in questions
        }


CERTIFICATE_OF = """
    SELECT certificate.code, certificate.pdf, certificate.delivered_at
    FROM certificates_certificate AS certificate
    JOIN lms_person AS person ON person.id = certificate.person_id
    JOIN lms_user AS account ON account.id = person.user_id
    WHERE account.email = %s
"""


@dataclass
class Learner:
    email: str
    name: str
    visitor: Visitor

    def certificates(self) -> list[tuple]:
        """(code, PDF file name, delivered at) of each of their certificates."""
        return self.visitor.stack.query(CERTIFICATE_OF, self.email)


def sign_in(stack: Stack) -> Learner:
    """Log in as a learner no other test has used."""
    email = stack.next_learner()
    first_names, last_names = NAMES[learner_number(email) - 1]
    visitor = Visitor(stack)
    visitor.log_in(email)
    assert visitor.path == MY_COURSES_PATH, visitor.page.url
    return Learner(email, f"{first_names} {last_names}", visitor)
