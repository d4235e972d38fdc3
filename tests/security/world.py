"""One of everything a URL can name, and the eight people who ask for it.

Built once per test module (see `world` in test_role_matrix.py): the role
matrix requests every URL of the site as each person, so each URL needs a
real object behind it and each role needs the objects it owns or must not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import resolve
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    Page,
    Site,
    Task,
    UploadedFile,
    Workflow,
)

from certificates.admin.exports import build_export, start_export
from certificates.delivery import store_pdf
from certificates.issuance import issue_certificate
from certificates.models import Certificate, CertificateExport, IssuerSettings
from courses.models import Audience, CoursePage
from lms.cohorts import roster
from lms.companies import registration
from lms.models import (
    Assignment,
    Cohort,
    CohortSession,
    Company,
    CompanyMember,
    Completion,
    Enrolment,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Participant,
    ProofKind,
    Role,
    StaffMember,
    User,
)
from lms.staff import invitations
from tests.factories import (
    CataloguePageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
    approved_company,
    certified_trainer,
    cohort_with_sessions,
    completion,
    failed_then_open_attempt,
    grant,
    organisation,
    used_every_attempt,
    with_mfa,
)

ROLES = (
    "anonymous",
    "learner",
    "representative",
    "trainer",
    "hr_a",
    "head_a",  # unit A's head: reads its staff, changes nothing
    "hr_b",
    "admin",
)


@dataclass
class World:
    users: dict[str, User | None]
    catalogue: Page
    course: CoursePage
    lesson: Page
    trainer_course: CoursePage
    certificate: Certificate
    open_attempt_id: int
    closed_attempt_id: int
    unit_a1: Organisation
    staff_a: StaffMember
    staff_b: StaffMember
    assignment_a: Assignment
    assignment_b: Assignment
    # A unit A staff member who used every attempt at `course`.
    retaker: StaffMember
    retaker_enrolment: Enrolment
    # The URL arguments of a staff invitation link (uidb64 and token).
    invitation: dict[str, str]
    company: Company
    # A request in review, of someone else than the representative role.
    other_company: Company
    company_join_token: str
    hr_a_role: OrganisationRole
    cohort: Cohort
    session: CohortSession
    other_cohort: Cohort
    other_session: CohortSession
    participant: Participant
    other_participant: Participant
    # A trainer-course completion the integrity officer may approve.
    candidate: Completion
    export: CertificateExport
    # Wagtail's own objects, for the admin's URLs.
    revision_id: int
    collection: Collection
    workflow: Workflow
    task: Task
    document: Document
    image: Image
    redirect: Redirect
    site: Site
    group: Group
    editing_session: EditingSession
    uploaded_file: UploadedFile
    # Session keys by role, signed in once (tests/security/conftest.py).
    sessions: dict[str, str] = field(default_factory=dict)


def build_world() -> World:
    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="cursos")
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port, site.root_page = "localhost", 80, catalogue
    site.save()
    course = CoursePageFactory(parent=catalogue, title="Inducción", slug="induccion")
    module = ModulePageFactory(parent=course, title="Módulo 1")
    lesson = LessonPageFactory(parent=module, title="Lección uno", slug="uno")
    LessonPageFactory(parent=course, title="Lección dos", slug="dos")
    trainer_course = CoursePageFactory(
        parent=catalogue,
        title="Formación de Formadores",
        slug="formacion-formadores",
        audience=Audience.TRAINERS,
    )
    officer = grant(UserFactory(email="oii@example.pe"), Role.INTEGRITY_OFFICER)
    admin = with_mfa(
        UserFactory(email="admin@example.pe", is_superuser=True, is_staff=True)
    )

    root = organisation("GRC", "Gobierno Regional", kind=OrganisationKind.GOVERNMENT)
    unit_a = organisation("GRDS", "Gerencia de Desarrollo Social", root)
    unit_b = organisation("GRDE", "Gerencia de Desarrollo Económico", root)
    # A unit of A's with no staff, which the integrity officer may delete.
    unit_a1 = organisation("SGPE", "Sub Gerencia de Promoción Empresarial", unit_a)
    hr_a = grant(UserFactory(email="rrhh.a@example.pe"), Role.HR_OFFICER, unit_a)
    hr_b = grant(UserFactory(email="rrhh.b@example.pe"), Role.HR_OFFICER, unit_b)
    head_a = grant(UserFactory(email="jefe.a@example.pe"), Role.UNIT_HEAD, unit_a)
    requirement = TrainingRequirementFactory(course=course)
    # Names and documents found nowhere else, so a page showing them is
    # known to show these people (see test_role_matrix.hidden_people).
    staff_a = StaffMemberFactory(
        unit=unit_a,
        person__last_names="Alfaro Prado",
        person__document_number="41111111",
    )
    staff_b = StaffMemberFactory(
        unit=unit_b,
        person__last_names="Cabrera Ruiz",
        person__document_number="43333333",
    )
    today = timezone.localdate()
    assignment_a, assignment_b = (
        Assignment.objects.create(staff=staff, requirement=requirement, due_on=today)
        for staff in (staff_a, staff_b)
    )
    retaker = StaffMemberFactory(unit=unit_a, person__user=UserFactory())
    retaker_enrolment = Enrolment.objects.create(
        user=retaker.person.user, course=course
    )
    used_every_attempt(retaker_enrolment, now=timezone.now())
    invited = StaffMemberFactory(unit=unit_a, email="invitada@regioncajamarca.gob.pe")
    invitations.invite(staff=invited, by=hr_a, now=timezone.now())
    invited.refresh_from_db()

    learner = UserFactory(email="rosa@example.pe")
    person = PersonFactory(user=learner)
    certificate = issue_certificate(
        person=person, course=course, issued_on=today, score=90
    )
    store_pdf(certificate)
    closed_attempt, open_attempt = failed_then_open_attempt(
        Enrolment.objects.create(user=learner, course=course), now=timezone.now()
    )

    representative = UserFactory(email="gerente@empresa.pe")
    company = approved_company(
        ruc="20100000001",
        legal_name="Café de Jaén S.A.C.",
        address="Jr. Amalia Puga 123, Cajamarca",
        representative=PersonFactory(user=representative),
    )
    # Another representative's request, in review: its proof is the officer's.
    other_company = registration.register_company(
        user=PersonFactory(user=UserFactory(email="otro.gerente@empresa.pe")).user,
        ruc="20554133470",
        legal_name="Minera Íntegra S.A.",
        address="Av. Atahualpa 1, Cajamarca",
        proof=ContentFile(b"%PDF-1.7\n", name="poder.pdf"),
        proof_kind=ProofKind.POWER_OF_ATTORNEY,
        now=timezone.now(),
    )
    invited_member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=timezone.now(),
        invited_by=representative,
    )

    approved_at = timezone.now() - timedelta(days=30)
    trainer = UserFactory(email="formadora@example.pe")
    other_trainer = UserFactory(email="otro.formador@example.pe")
    certifications = [
        certified_trainer(
            user, trainer_course, approved_by=officer, approved_at=approved_at
        )
        for user in (trainer, other_trainer)
    ]
    cohort, other_cohort = (
        cohort_with_sessions(certification, course, starts_on=today)
        for certification in certifications
    )
    participant, other_participant = (
        roster.join_cohort(cohort=each, user=UserFactory(), now=timezone.now())[0]
        for each in (cohort, other_cohort)
    )
    candidate = completion(
        PersonFactory(user=UserFactory()).user, trainer_course, at=approved_at
    )
    export = start_export(filters={}, by=admin)
    build_export(export)
    export.refresh_from_db()

    revision = course.save_revision(user=admin)
    IssuerSettings.for_site(site)
    document = Document.objects.create(
        title="Reglamento", file=ContentFile(b"%PDF-1.4\n", name="reglamento.pdf")
    )
    return World(
        users={
            "anonymous": None,
            "learner": learner,
            "representative": representative,
            "trainer": trainer,
            "hr_a": hr_a,
            "head_a": head_a,
            "hr_b": hr_b,
            "admin": admin,
        },
        catalogue=catalogue,
        course=course,
        lesson=lesson,
        trainer_course=trainer_course,
        certificate=certificate,
        open_attempt_id=open_attempt.pk,
        closed_attempt_id=closed_attempt.pk,
        unit_a1=unit_a1,
        staff_a=staff_a,
        staff_b=staff_b,
        assignment_a=assignment_a,
        assignment_b=assignment_b,
        retaker=retaker,
        retaker_enrolment=retaker_enrolment,
        invitation=resolve(urlsplit(invitations.invitation_link(invited)).path).kwargs,
        company=company,
        other_company=other_company,
        company_join_token=registration.invitation_token(invited_member),
        hr_a_role=OrganisationRole.objects.get(user=hr_a),
        cohort=cohort,
        session=cohort.sessions.first(),
        other_cohort=other_cohort,
        other_session=other_cohort.sessions.first(),
        participant=participant,
        other_participant=other_participant,
        candidate=candidate,
        export=export,
        revision_id=revision.pk,
        collection=Collection.get_first_root_node().add_child(name="Material"),
        workflow=Workflow.objects.first(),
        task=Task.objects.first(),
        document=document,
        image=Image.objects.create(title="Logo", file=get_test_image_file()),
        redirect=Redirect.objects.create(old_path="/antes", redirect_page=course),
        site=site,
        group=Group.objects.get(name="Editores"),
        editing_session=EditingSession.objects.create(
            user=admin,
            content_type=course.content_type,
            object_id=str(course.pk),
            last_seen_at=timezone.now(),
        ),
        uploaded_file=UploadedFile.objects.create(
            file=ContentFile(b"%PDF-1.4\n", name="subido.pdf"), uploaded_by_user=admin
        ),
    )
