"""Every URL of the site, asked for by eight people: who gets what.

The matrix gives, for each URL pattern and each role, the outcome expected
of a GET. A 200 where a refusal is expected fails, naming the URL and the
role, and so does an answer naming staff beyond the role's units
(tests/security/disclosure.py). A pattern the matrix does not classify
fails too, so a new URL cannot slip in unreviewed: ours are listed one by
one with real objects behind them; the Wagtail admin's own patterns, by the
hundred, are classified as a group (refused to all but the administrator)
with the exceptions listed. Every API URL is asked again with credentials
in an Authorization header, and must answer as it answers anonymous.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from operator import attrgetter
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from tests.factories import PASSWORD
from tests.security.disclosure import Answer, hidden_people, shown
from tests.security.routes import Outcome, Route, outcome, routes
from tests.security.test_passwords_outside_allauth import basic
from tests.security.world import ROLES, World

OK = Outcome.OK
LOGIN = Outcome.REDIRECT_LOGIN
DENIED = Outcome.DENIED
NOT_FOUND = Outcome.NOT_FOUND
REDIRECT = Outcome.REDIRECT
METHOD = Outcome.METHOD
# However Wagtail refuses a user its admin lets in, as long as it refuses.
REFUSED = frozenset(Outcome) - {OK, Outcome.ERROR}

Expected = Mapping[str, frozenset[Outcome]]

pytestmark = pytest.mark.django_db


def expect(default: Outcome | frozenset, **by_role: Outcome | frozenset) -> Expected:
    """Return the outcomes expected of each role: `default` unless named."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"not roles: {unknown}"
    return {role: outcomes(by_role.get(role, default)) for role in ROLES}


def outcomes(expected: Outcome | frozenset) -> frozenset[Outcome]:
    return frozenset([expected]) if isinstance(expected, Outcome) else expected


def admin_area(
    hr: Outcome | frozenset,
    hr_b: Outcome | frozenset | None = None,
    admin: Outcome | frozenset = OK,
    head: Outcome | frozenset | None = None,
) -> Expected:
    """Return the outcomes of an admin page: only staff roles get in.

    Unit A's head gets what unit A's HR officer gets unless `head` says.
    """
    return expect(
        LOGIN,
        hr_a=hr,
        head_a=hr if head is None else head,
        hr_b=hr if hr_b is None else hr_b,
        admin=admin,
    )


PUBLIC = expect(OK)
SIGNED_IN = expect(OK, anonymous=LOGIN)
# The learner's own: their attempts, their certificate. These pages, and the
# trainers' below, are their owner's workspace: the administrator reads the
# same records in the admin, and is refused here like anyone else.
LEARNERS = expect(NOT_FOUND, anonymous=LOGIN, learner=OK)
# Certified trainers' pages: others are told what the pages are for.
TRAINERS = expect(DENIED, anonymous=LOGIN, trainer=OK)
TRAINERS_POST = expect(DENIED, anonymous=LOGIN, trainer=METHOD)
ANOTHER_TRAINERS = expect(DENIED, anonymous=LOGIN, trainer=NOT_FOUND)
HR = admin_area(OK)
# HR officers' pages that a unit head, who only reads their unit's staff, is
# refused: the import, a new staff record, the requirements.
HR_ONLY = admin_area(OK, head=DENIED)
UNIT_A = admin_area(OK, NOT_FOUND)
UNIT_B = admin_area(NOT_FOUND, OK)
ADMIN_POST = admin_area(METHOD, admin=METHOD)
# The integrity office's and the administrator's areas: HR officers are refused.
OFFICE = admin_area(DENIED)


@dataclass(frozen=True)
class Row:
    """One URL of the matrix: a named pattern with real arguments, or a path."""

    name: str
    expected: Expected
    args: tuple[str, ...] = ()  # attributes of the world, in order
    path: str = ""  # a path to format with the world as `w`, when not reversed
    label: str = ""  # what tells apart two rows of one URL name

    @property
    def id(self) -> str:
        return f"{self.name} ({self.label})" if self.label else self.name

    def url(self, world: World) -> str:
        if self.path:
            return self.path.format(w=world)
        return reverse(self.name, args=[attrgetter(arg)(world) for arg in self.args])


OWN_ROWS = [
    Row("healthz", PUBLIC),
    Row("favicon", expect(REDIRECT)),
    # Learning
    Row("lms:my_courses", SIGNED_IN),
    # Anyone's own requests and pending training, none if they have none.
    Row("lms:extension_requests", SIGNED_IN),
    # Mi cuenta: each person's own data, and the public privacy notice.
    Row("accounts:account", SIGNED_IN),
    Row("accounts:data_json", SIGNED_IN),
    Row("accounts:data_pdf", SIGNED_IN),
    Row("accounts:erase", SIGNED_IN),
    Row("accounts:erased", PUBLIC),
    Row("accounts:privacy", PUBLIC),
    Row("lms:enrol", expect(METHOD), ("course.pk",)),
    Row("lms:assessment", LEARNERS, ("course.pk",)),
    Row("lms:complete_lesson", expect(METHOD), ("lesson.pk",)),
    Row("lms:attempt", LEARNERS, ("open_attempt_id",)),
    Row("lms:attempt_result", LEARNERS, ("closed_attempt_id",)),
    Row(
        "lms:accept_invitation",
        PUBLIC,
        path="/invitacion/{w.invitation[uidb64]}/{w.invitation[token]}/",
    ),
    # Trainers and their cohorts
    Row("cohorts:dashboard", TRAINERS),
    Row("cohorts:create", TRAINERS),
    Row("cohorts:detail", TRAINERS, ("cohort.pk",)),
    Row("cohorts:detail", ANOTHER_TRAINERS, ("other_cohort.pk",), label="another's"),
    Row("cohorts:edit", TRAINERS, ("cohort.pk",)),
    Row("cohorts:edit", ANOTHER_TRAINERS, ("other_cohort.pk",), label="another's"),
    Row("cohorts:add_participants", TRAINERS_POST, ("cohort.pk",)),
    Row("cohorts:confirm_participants", TRAINERS_POST, ("cohort.pk",)),
    Row("cohorts:self_enrolment", TRAINERS_POST, ("cohort.pk",)),
    Row("cohorts:qr", TRAINERS, ("cohort.pk",)),
    Row("cohorts:qr", ANOTHER_TRAINERS, ("other_cohort.pk",), label="another's"),
    Row("cohorts:join", PUBLIC, ("cohort.join_token",)),
    # A cohort's attendance and results: only its own trainer finds them.
    Row("attendance:session", TRAINERS, ("cohort.pk", "session.pk")),
    Row(
        "attendance:session",
        ANOTHER_TRAINERS,
        ("other_cohort.pk", "other_session.pk"),
        label="another's",
    ),
    Row("attendance:sheet_pdf", TRAINERS, ("cohort.pk",)),
    Row(
        "attendance:sheet_pdf",
        ANOTHER_TRAINERS,
        ("other_cohort.pk",),
        label="another's",
    ),
    Row("attendance:paper", TRAINERS, ("cohort.pk",)),
    Row("attendance:paper", ANOTHER_TRAINERS, ("other_cohort.pk",), label="another's"),
    # Offline material: certified trainers and the course's editors. Nothing
    # is built yet, so a download leads to the page that follows its build.
    *(
        Row(
            f"materials:{name}",
            expect(DENIED, anonymous=LOGIN, trainer=REDIRECT, admin=REDIRECT),
            ("course.pk",),
        )
        for name in ("participant_pdf", "facilitator_pdf", "zip")
    ),
    *(
        Row(
            f"materials:{name}",
            expect(DENIED, anonymous=LOGIN, trainer=OK, admin=OK),
            ("course.pk",),
        )
        for name in ("progress", "status")
    ),
    Row("materials:start_again", expect(METHOD), ("course.pk",)),
    Row("trainers:list", PUBLIC),
    Row("trainers:listing", expect(NOT_FOUND, anonymous=LOGIN, trainer=OK)),
    # Transparency
    Row("transparency:dashboard", PUBLIC),
    Row("transparency:dictionary", PUBLIC),
    Row("transparency:dictionary_json", PUBLIC),
    Row("transparency:dataset_csv", PUBLIC, path="/transparencia/datos/units.csv"),
    Row("transparency:dataset_json", PUBLIC, path="/transparencia/datos/units.json"),
    # Companies
    Row("companies:registry", PUBLIC),
    Row("companies:register", SIGNED_IN),
    Row("companies:join", PUBLIC, ("company_join_token",)),
    Row("companies:detail", PUBLIC, ("company.ruc",)),
    Row("companies:invite", expect(METHOD, anonymous=LOGIN), ("company.ruc",)),
    Row("companies:upload_proof", expect(METHOD, anonymous=LOGIN), ("company.ruc",)),
    # A request in review is its representative's alone: others find no page.
    Row(
        "companies:detail",
        expect(NOT_FOUND),
        ("other_company.ruc",),
        label="in review",
    ),
    # Certificates
    Row("certificates:verify_form", PUBLIC),
    Row("certificates:verify", PUBLIC, ("certificate.code",)),
    Row("certificates:my_certificates", SIGNED_IN),
    Row("certificates:download_pdf", LEARNERS, ("certificate.code",)),
    Row("well_known:did", PUBLIC),
    Row("well_known:jwks", PUBLIC),
    Row("api-v1:openapi-json", PUBLIC),
    Row("api-v1:openapi-view", PUBLIC),
    Row("api-v1:api-root", expect(NOT_FOUND)),
    Row("api-v1:certificate", PUBLIC, path="/api/v1/certificates/{w.certificate.code}"),
    Row(
        "api-v1:certificate_credential",
        PUBLIC,
        path="/api/v1/certificates/{w.certificate.code}/credential",
    ),
    Row("api-v1:revocation_status_list", PUBLIC),
    # Staff admin: HR officers within their units
    Row("lms_staff_import", HR_ONLY),
    Row("lms_staff_import_confirm", ADMIN_POST),
    Row(
        "lms_staff_import_template",
        HR_ONLY,
        path="/admin/personal/importar/plantilla.xlsx",
    ),
    Row("lms_staff_invite", ADMIN_POST, ("staff_a.pk",)),
    Row("lms_staff_detail", UNIT_A, ("staff_a.pk",), label="unit A"),
    Row("lms_staff_detail", UNIT_B, ("staff_b.pk",), label="unit B"),
    Row("lms_staff_extend", ADMIN_POST, ("staff_a.pk", "assignment_a.pk")),
    Row("lms_staff_waive", ADMIN_POST, ("staff_a.pk", "assignment_a.pk")),
    Row(
        "lms_staff_request_extension",
        ADMIN_POST,
        ("staff_a.pk", "assignment_a.pk"),
    ),
    # HR answers the requests of its units; a unit head asks, on the person's page.
    Row("lms_extension_requests", HR_ONLY),
    # POST only: refused before any request is looked up.
    Row(
        "lms_extension_requests_grant",
        ADMIN_POST,
        path="/admin/solicitudes-de-prorroga/1/conceder/",
    ),
    Row(
        "lms_extension_requests_deny",
        ADMIN_POST,
        path="/admin/solicitudes-de-prorroga/1/denegar/",
    ),
    Row(
        "lms_staff_grant_attempt",
        ADMIN_POST,
        ("retaker.pk", "retaker_enrolment.pk"),
    ),
    Row("certificates_staff_transcript", UNIT_A, ("staff_a.pk",), label="unit A"),
    Row("certificates_staff_transcript", UNIT_B, ("staff_b.pk",), label="unit B"),
    *(
        Row(f"lms_report_{name}{suffix}", HR)
        for name in ("completion", "overdue", "new_hires", "assignments")
        for suffix in ("", "_results")
    ),
    *(
        Row(f"lms_report_{name}{suffix}", OFFICE)
        for name in ("reach", "reach_trainers")
        for suffix in ("", "_results")
    ),
    Row("lms_staff:index", HR),
    Row("lms_staff:index_results", HR),
    Row("lms_staff:add", HR_ONLY),
    # A record's edit form, history and usage are for those who may change
    # it: the unit head is refused; beyond unit A, the edit form refuses
    # before it looks the record up, the others find none.
    *(
        Row(f"lms_staff:{view}", expected, (f"{staff}.pk",), label=label)
        for view in ("edit", "history", "history_results", "usage")
        for staff, expected, label in (
            ("staff_a", admin_area(OK, NOT_FOUND, head=DENIED), "unit A"),
            (
                "staff_b",
                admin_area(NOT_FOUND, OK, head=DENIED if view == "edit" else None),
                "unit B",
            ),
        )
    ),
    Row("lms_organisations:index", HR),
    Row("lms_organisations:index_results", HR),
    Row("lms_organisations:add", OFFICE),
    # Only the integrity officer changes the unit tree; the views that need
    # "change" refuse HR officers before looking the unit up.
    *(
        Row(f"lms_organisations:{view}", OFFICE, ("unit_a1.pk",))
        for view in ("edit", "copy")
    ),
    *(
        Row(f"lms_organisations:{view}", admin_area(DENIED, NOT_FOUND), ("unit_a1.pk",))
        for view in ("delete", "history", "history_results", "usage")
    ),
    Row("lms_requirements:index", HR_ONLY),
    Row("lms_requirements:index_results", HR_ONLY),
    Row("lms_requirements:add", OFFICE),
    *(
        Row(f"lms_requirements:{view}", OFFICE, ("assignment_a.requirement.pk",))
        for view in ("edit", "history", "history_results", "usage", "copy")
    ),
    Row("lms_roles:index", OFFICE),
    Row("lms_roles:index_results", OFFICE),
    Row("lms_roles:add", OFFICE),
    *(
        Row(f"lms_roles:{view}", OFFICE, ("hr_a_role.pk",))
        for view in ("edit", "delete", "history", "history_results", "usage", "copy")
    ),
    # The trainers' registry and the certificates: the integrity office's.
    Row("lms_trainers:index", OFFICE),
    Row("lms_trainers:index_results", OFFICE),
    Row("lms_trainers:add", OFFICE),
    *(
        Row(f"lms_trainers:{view}", OFFICE, ("cohort.trainer.pk",))
        for view in ("withdraw", "history", "history_results")
    ),
    Row("certificates_admin:index", OFFICE),
    Row("certificates_admin:index_results", OFFICE),
    *(
        Row(f"certificates_admin:{view}", OFFICE, ("certificate.pk",))
        for view in (
            "inspect",
            "pdf",
            "history",
            "history_results",
            "revoke",
            "render",
            "reissue",
        )
    ),
    # Companies' proof of representation: the integrity office's. The
    # representative of one company reads no other's proof.
    Row("lms_companies:index", OFFICE),
    Row("lms_companies:index_results", OFFICE),
    *(
        Row(f"lms_companies:{view}", OFFICE, ("other_company.pk",))
        for view in ("approve", "reject", "correct", "proof")
    ),
    # Another attempt for anyone out of them, citizens included: the
    # integrity office's. The grant is a POST (tests/security/
    # test_wrong_role_posts.py); a GET of it is refused for its method.
    Row("lms_extra_attempts", OFFICE),
    Row("lms_extra_attempts_grant", ADMIN_POST, ("retaker_enrolment.pk",)),
    Row("certificate_exports:start", OFFICE),
    Row("certificate_exports:progress", OFFICE, ("export.pk",)),
    Row("certificate_exports:download", OFFICE, ("export.pk",)),
]


# The signed-in roles with no authenticator app: staff roles all have one.
NO_AUTHENTICATOR = ("learner", "representative")


# Other URLs outside the admin, each listed: allauth's accounts, Wagtail's
# front end, documents and API, Django's language switch.
THIRD_PARTY_ROWS = [
    # Signed-in visitors are sent on from the login and signup pages.
    Row("account_login", expect(REDIRECT, anonymous=OK)),
    Row("account_logout", expect(OK, anonymous=REDIRECT)),
    Row("account_inactive", PUBLIC),
    Row("account_signup", expect(REDIRECT, anonymous=OK)),
    Row("account_reauthenticate", SIGNED_IN),
    Row("account_request_reauthentication_code", SIGNED_IN),
    Row("account_confirm_reauthentication_code", expect(REDIRECT, anonymous=LOGIN)),
    Row("account_email", SIGNED_IN),
    Row("account_email_verification_sent", PUBLIC),
    Row("account_change_password", SIGNED_IN),
    Row("account_set_password", expect(REDIRECT, anonymous=LOGIN)),
    Row("account_reset_password", PUBLIC),
    Row("account_confirm_login_code", expect(REDIRECT, anonymous=LOGIN)),
    Row("account_confirm_email", PUBLIC, path="/accounts/confirm-email/desconocida/"),
    Row("account_reset_password_from_key_done", PUBLIC),
    Row(
        "account_reset_password_from_key",
        PUBLIC,
        path="/accounts/password/reset/key/1-desconocida/",
    ),
    Row("account_reset_password_done", PUBLIC),
    Row("mfa_index", SIGNED_IN),
    Row("mfa_authenticate", expect(REDIRECT, anonymous=LOGIN)),
    # Only accounts with an authenticator (staff) have a second factor to use.
    Row(
        "mfa_reauthenticate",
        expect(OK, anonymous=LOGIN, **dict.fromkeys(NO_AUTHENTICATOR, REDIRECT)),
    ),
    Row("mfa_activate_totp", expect(REDIRECT, anonymous=LOGIN)),
    Row(
        "mfa_deactivate_totp",
        expect(REDIRECT, anonymous=LOGIN, **dict.fromkeys(NO_AUTHENTICATOR, NOT_FOUND)),
    ),
    Row("mfa_view_recovery_codes", expect(NOT_FOUND, anonymous=LOGIN)),
    Row("mfa_generate_recovery_codes", expect(REDIRECT, anonymous=LOGIN)),
    Row("mfa_download_recovery_codes", expect(NOT_FOUND, anonymous=LOGIN)),
    Row("usersessions_list", SIGNED_IN),
    Row("set_language", expect(REDIRECT)),
    Row("wagtailapi:pages:listing", PUBLIC, path="/api/v2/pages/"),
    Row("wagtailapi:pages:detail", PUBLIC, path="/api/v2/pages/{w.course.pk}/"),
    Row(
        "wagtailapi:pages:find",
        expect(REDIRECT),
        path="/api/v2/pages/find/?id={w.course.pk}",
    ),
    Row(
        "wagtaildocs_serve",
        PUBLIC,
        path="/documents/{w.document.pk}/{w.document.filename}",
    ),
    Row(
        "wagtaildocs_authenticate_with_password",
        expect(NOT_FOUND),
        path="/documents/authenticate_with_password/0/",
    ),
    Row(
        "wagtailcore_authenticate_with_password",
        expect(NOT_FOUND),
        path="/_util/authenticate_with_password/0/{w.course.pk}/",
    ),
    # Wagtail's login for private pages (wagtailcore_login) takes no second
    # factor: a redirect in lms/urls.py shadows it, as the admin's.
    Row(
        "django.views.generic.base.RedirectView",
        expect(LOGIN),
        path="/_util/login/",
        label="Wagtail's private-page login",
    ),
    # Wagtail serves the catalogue and courses; lms serves lessons to learners.
    Row("wagtail_serve", PUBLIC, path="/", label="catalogue"),
    Row("wagtail_serve", PUBLIC, path="{w.course.url}", label="course"),
    # A lesson is for the enrolled; others are sent to the course to enrol.
    Row(
        "wagtail_serve",
        expect(REDIRECT, anonymous=LOGIN, learner=OK),
        path="{w.lesson.url}",
        label="lesson",
    ),
]

# The Wagtail admin's own patterns: refused to HR officers, except those below.
WAGTAIL_ADMIN = admin_area(REFUSED)
# What the arguments of Wagtail's admin patterns stand for.
WAGTAIL_ARGS = {
    "page_id": "{w.course.pk}",
    "parent_page_id": "{w.catalogue.pk}",
    "page_to_move_id": "{w.course.pk}",
    "destination_id": "{w.catalogue.pk}",
    "page_pk": "{w.course.pk}",
    "workflow_pk": "{w.workflow.pk}",
    "revision_id": "{w.revision_id}",
    "content_type_app_name": "courses",
    "content_type_model_name": "coursepage",
    "app_label": "courses",
    "model_name": "coursepage",
    "collection_id": "{w.collection.pk}",
    "document_id": "{w.document.pk}",
    "doc_id": "{w.document.pk}",
    "image_id": "{w.image.pk}",
    "uploaded_file_id": "{w.uploaded_file.pk}",
    "redirect_id": "{w.redirect.pk}",
    "task_id": "{w.task.pk}",
    "session_id": "{w.editing_session.pk}",
    "filter_spec": "original",
    # No workflow runs in the world: these name none.
    "action_name": "approve",
    "task_state_id": "0",
    "workflow_state_id": "0",
}
# Whose `pk` a pattern takes, by URL name or namespace.
WAGTAIL_PKS = {
    "wagtailadmin_collections": "{w.collection.pk}",
    "wagtailadmin_workflows": "{w.workflow.pk}",
    "wagtailadmin_workflows:edit_task": "{w.task.pk}",
    "wagtailadmin_workflows:disable_task": "{w.task.pk}",
    "wagtailadmin_workflows:enable_task": "{w.task.pk}",
    "wagtailadmin_api:pages": "{w.course.pk}",
    "wagtailadmin_api:documents": "{w.document.pk}",
    "wagtailadmin_api:images": "{w.image.pk}",
    "wagtailsites": "{w.site.pk}",
    "wagtailusers_users": "{w.users[learner].pk}",
    "wagtailusers_groups": "{w.group.pk}",
    "wagtaildocs_chooser": "{w.document.pk}",
    "wagtailimages_chooser": "{w.image.pk}",
}
# Paths the arguments above cannot make, by route or URL name.
WAGTAIL_PATHS = {
    "wagtail_bulk_action": "/admin/bulk/wagtailcore/page/delete/?id={w.course.pk}",
    "wagtailadmin_workflows:add_task": (
        "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/"
    ),
    "wagtailadmin_tag_model_autocomplete": "/admin/tag-autocomplete/taggit/tag/",
    "wagtailadmin_editing_sessions:ping": (
        "/admin/editing-sessions/ping/wagtailcore/page/{w.course.pk}/"
        "{w.editing_session.pk}/"
    ),
    "admin/settings/<slug:app_name>/<slug:model_name>/": (
        "/admin/settings/certificates/issuersettings/"
    ),
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/": (
        "/admin/settings/certificates/issuersettings/{w.site.pk}/"
    ),
    "admin/settings/<slug:app_name>/<slug:model_name>/<int:pk>/preview/": (
        "/admin/settings/certificates/issuersettings/{w.site.pk}/preview/"
    ),
    "wagtailadmin_pages:revisions_compare": (
        "/admin/pages/{w.course.pk}/revisions/compare/earliest...latest/"
    ),
    "admin/.*/$": "/admin/no-existe/",
    "wagtailadmin_password_reset_confirm": "/admin/password_reset/confirm/MQ/x-y/",
}
# Wagtail's admin patterns not refused to HR officers, and what the
# administrator gets where it is not a 200; by route or URL name.
WAGTAIL_EXCEPTIONS = {
    **dict.fromkeys(
        [
            "wagtailadmin_sprite",
            "wagtailadmin_javascript_catalog",
        ],
        PUBLIC,
    ),
    # Off (WAGTAIL_PASSWORD_RESET_ENABLED): allauth's reset is the one, with
    # its rate limits.
    **dict.fromkeys(
        [
            "wagtailadmin_password_reset",
            "wagtailadmin_password_reset_done",
            "wagtailadmin_password_reset_confirm",
            "wagtailadmin_password_reset_complete",
        ],
        expect(NOT_FOUND),
    ),
    # Everyone logs in through allauth's page, with a second factor for staff:
    # a redirect (lms/urls.py) shadows Wagtail's own login view.
    "admin/login/": expect(LOGIN),
    # Open to anyone the admin lets in: the dashboard, their account, and
    # what choosers and editing widgets read. None shows personal data; the
    # choosers and the admin API show page titles, documents and images,
    # the site history only content types the user holds permissions on.
    **dict.fromkeys(
        [
            "wagtailadmin_home",
            "wagtailadmin_account",
            "wagtailadmin_dismissibles",
            "admin/test404/",
            "wagtailadmin_choose_page",
            "wagtailadmin_choose_page_child",
            "wagtailadmin_choose_page_search",
            "wagtailadmin_choose_page_chosen_multiple",
            "wagtailadmin_choose_page_external_link",
            "wagtailadmin_choose_page_email_link",
            "wagtailadmin_choose_page_phone_link",
            "wagtailadmin_choose_page_anchor_link",
            "wagtailadmin_tag_autocomplete",
            "wagtailadmin_tag_model_autocomplete",
            "wagtaildocs_chooser:choose",
            "wagtaildocs_chooser:choose_results",
            "wagtaildocs_chooser:chosen_multiple",
            "wagtailimages_chooser:choose",
            "wagtailimages_chooser:choose_results",
            "wagtailimages_chooser:chosen_multiple",
            "wagtailembeds:chooser",
            "wagtailembeds:chooser_upload",
            "wagtailadmin_workflows:task_chooser",
            "wagtailadmin_workflows:task_chooser_results",
            "wagtailadmin_workflows:task_chooser_create",
            "wagtailadmin_workflows:task_chosen",
            "wagtailadmin_api:pages:listing",
            "wagtailadmin_api:documents:listing",
            "wagtailadmin_api:documents:detail",
            "wagtailadmin_api:images:listing",
            "wagtailadmin_api:images:detail",
            "wagtailadmin_reports:site_history",
            "wagtailadmin_reports:site_history_results",
            # These three answer with what the user may not do: the bulk
            # action lists the pages as ones they may not delete, the move
            # asks to confirm a move its POST then refuses, and creating a
            # page lists no parent to create it under.
            "wagtail_bulk_action",
            "wagtailadmin_pages:move_confirm",
            "wagtailadmin_pages:confirm_workflow_cancellation",
        ],
        admin_area(OK),
    ),
    "wagtailadmin_pages:choose_parent": admin_area(OK, admin=REDIRECT),
    # POST only.
    **dict.fromkeys(
        [
            "wagtailadmin_logout",
            "wagtailadmin_pages:set_page_position",
            "wagtailadmin_pages:lock",
            "wagtailadmin_pages:unlock",
            "wagtailadmin_api:pages:action",
            "wagtailadmin_editing_sessions:ping",
            "wagtailadmin_editing_sessions:release",
            "wagtailadmin_workflows:enable",
            "wagtailadmin_workflows:remove",
            "wagtailadmin_workflows:enable_task",
            "wagtailredirects:process_import",
            "wagtaildocs:edit_multiple",
            "wagtaildocs:delete_multiple",
            "wagtaildocs:create_multiple_from_uploaded_document",
            "wagtaildocs:delete_upload_multiple",
            "wagtailimages:edit_multiple",
            "wagtailimages:delete_multiple",
            "wagtailimages:create_multiple_from_uploaded_image",
            "wagtailimages:delete_upload_multiple",
        ],
        admin_area(REFUSED, admin=METHOD),
    ),
    # Nothing to show without query parameters, a running workflow, an alias,
    # a preview of settings or the image URL generator.
    **dict.fromkeys(
        [
            "wagtailadmin_api:pages:find",
            "wagtailadmin_api:documents:find",
            "wagtailadmin_api:images:find",
            "wagtailadmin_block_preview",
            "wagtailadmin_pages:convert_alias",
            "wagtailadmin_pages:workflow_action",
            "wagtailadmin_pages:collect_workflow_action_data",
            "wagtailadmin_pages:workflow_history_detail",
            "wagtailsettings:preview_on_edit",
            "wagtailimages:url_generator",
            "wagtailimages:url_generator_output",
            "admin/.*/$",
        ],
        admin_area(REFUSED, admin=NOT_FOUND),
    ),
    # Sent on: to the only page type, the history, this site's settings,
    # the only task type.
    **dict.fromkeys(
        [
            "wagtailadmin_pages:add_subpage",
            "wagtailadmin_pages:revisions_index",
            "admin/settings/<slug:app_name>/<slug:model_name>/",
            "wagtailadmin_workflows:select_task_type",
        ],
        admin_area(REFUSED, admin=REDIRECT),
    ),
    # No task to preview, no snippet model registered.
    "wagtailadmin_pages:workflow_preview": admin_area(REFUSED, admin=DENIED),
    "wagtailsnippets:index": admin_area(REFUSED, admin=DENIED),
    # Wagtail's deliberate error, to test the error page.
    "wagtailadmin_error_test": admin_area(Outcome.ERROR, admin=Outcome.ERROR),
}

OUR_PACKAGES = ("lms", "certificates", "courses")
OUR_NAMES = ("lms", "certificate", "api-v1")


def is_ours(route: Route) -> bool:
    return route.module.partition(".")[0] in OUR_PACKAGES or route.name.startswith(
        OUR_NAMES
    )


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def wagtail_row(route: Route) -> Row:
    """Return the row of one of the Wagtail admin's own patterns."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name != "pk":
            return WAGTAIL_ARGS[name]
        namespace = route.name.rpartition(":")[0]
        return WAGTAIL_PKS.get(route.name) or WAGTAIL_PKS[namespace]

    path = WAGTAIL_PATHS.get(route.route) or WAGTAIL_PATHS.get(route.name)
    if path is None:
        path = "/" + ARGUMENT.sub(value, route.route)
    expected = WAGTAIL_EXCEPTIONS.get(route.route) or WAGTAIL_EXCEPTIONS.get(
        route.name, WAGTAIL_ADMIN
    )
    return Row(route.name or route.route, expected, path=path, label=route.route)


WAGTAIL_ROWS = [
    wagtail_row(route)
    for route in routes()
    if route.route.startswith("admin/") and not is_ours(route)
]
ROWS = [*OWN_ROWS, *THIRD_PARTY_ROWS, *WAGTAIL_ROWS]


def describe(outcomes: frozenset[Outcome]) -> str:
    if outcomes == REFUSED:
        return "a refusal"
    return " or ".join(sorted(outcome.name for outcome in outcomes))


def surprise(row: Row, url: str, role: str, world: World, as_role) -> str | None:
    """GET the URL as the role; say what is wrong with the answer, if anything."""
    expected = row.expected[role]
    client = as_role(role)
    client.raise_request_exception = Outcome.ERROR not in expected
    # Each role's request is undone before the next role's.
    with transaction.atomic():
        response = client.get(url)
        transaction.set_rollback(True)
    got = outcome(response)
    if got not in expected:
        return (
            f"GET {url} as {role}: expected {describe(expected)}, "
            f"got {got.name} ({response.status_code})"
        )
    names = shown(response, hidden_people(world, role))
    if names:
        return f"GET {url} as {role} shows {names}, of a unit beyond the role's"
    return None


@pytest.mark.parametrize("row", [pytest.param(row, id=row.id) for row in ROWS])
def test_a_get_gives_each_role_what_the_matrix_says(row, world, as_role):
    url = row.url(world)
    surprises = [surprise(row, url, role, world, as_role) for role in ROLES]
    assert not any(surprises), "\n".join(filter(None, surprises))


def test_every_url_pattern_is_in_the_matrix(world):
    """Ours and the public site's one by one, the admin's own as a group."""
    listed = {}
    for row in [*OWN_ROWS, *THIRD_PARTY_ROWS]:
        match = resolve(urlsplit(row.url(world)).path)
        assert match.view_name == row.name, f"{row.id} leads to {match.view_name}"
        listed[match.route] = row
    unlisted = [
        route.route
        for route in routes()
        if route.route not in listed
        and (is_ours(route) or not route.route.startswith("admin/"))
    ]
    assert not unlisted, f"URL patterns the role matrix does not list: {unlisted}"


# What a client may send the APIs: a staff member's real password, a wrong
# one, and tokens of the kinds REST frameworks take. None is a way in: the
# APIs are public and read-only, and passwords go to allauth's login only.
GARBAGE = "6f1ed002ab5595859014ebf0951522d9"
CREDENTIALS = {
    "Basic, the administrator's password": lambda w: basic(
        w.users["admin"].email, PASSWORD
    ),
    "Basic, a wrong password": lambda w: basic(w.users["admin"].email, GARBAGE),
    "Bearer, garbage": lambda w: f"Bearer {GARBAGE}",
    "Token, garbage": lambda w: f"Token {GARBAGE}",
}
API_NAMES = ("healthz", "api-v1:", "wagtailapi:", "well_known:", "wagtailadmin_api:")
API_ROWS = [row for row in ROWS if row.name.startswith(API_NAMES)]


@pytest.mark.parametrize("row", [pytest.param(row, id=row.id) for row in API_ROWS])
def test_an_api_answers_credentials_as_it_answers_anonymous(row, world, as_role, trail):
    url = row.url(world)
    anonymous = Answer.of(as_role("anonymous").get(url))
    different = [
        kind
        for kind, header in CREDENTIALS.items()
        if Answer.of(as_role("anonymous").get(url, HTTP_AUTHORIZATION=header(world)))
        != anonymous
    ]
    assert not different, f"GET {url} answers these otherwise than anonymous"
    assert not [line for line in trail.lines if line["event"].startswith("login")]
