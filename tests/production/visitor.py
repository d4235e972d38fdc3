"""A visitor of the running stack over HTTP, doing what a browser does.

Cookies kept (secure ones only over HTTPS), forms submitted with their
hidden fields and CSRF token, and the Origin header a browser sends with a
POST. Pages are found by form actions and hrefs, not by their wording.
"""

from __future__ import annotations

import json
import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

from tests.production.stack import LEARNER_PASSWORD, Stack

LOGIN_PATH = "/accounts/login/"
MY_COURSES_PATH = "/mis-cursos/"


class BehindTheProxy(DefaultCookiePolicy):
    """Send secure cookies over plain HTTP to a stack without TLS.

    There the client stands in for both the browser, which speaks HTTPS to
    the proxy, and the proxy, which speaks HTTP to gunicorn.
    """

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Visitor:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.session = requests.Session()
        self.session.headers.update(stack.proxy_headers)
        if not stack.tls:
            self.session.cookies.set_policy(BehindTheProxy())
        self.page: requests.Response | None = None

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
            self.submit('form[action*="/completar/"]')
        assert self.path == assessment_path, self.page.url
        self.submit('main form[method="post"]:not([action])')
        attempt_id = int(re.fullmatch(r"/intentos/(\d+)/", self.path)[1])
        self.submit("form.quiz", self.right_answers(attempt_id))
        assert self.path == f"/intentos/{attempt_id}/resultado/", self.page.url
        return self.page

    def right_answers(self, attempt_id: int) -> dict[str, list[str]]:
        """The right options of the questions this attempt drew, as stored."""
        [(questions,)] = self.stack.query(
            "SELECT questions FROM lms_attempt WHERE id = %s", attempt_id
        )
        if isinstance(questions, str):
            questions = json.loads(questions)
        return {
            f"q-{question['id']}": [
                option["id"] for option in question["options"] if option["correct"]
            ]
            for question in questions
        }
