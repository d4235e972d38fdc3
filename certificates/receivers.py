from django.dispatch import receiver
from django.utils import timezone

from certificates.issuance import issue_earned, issue_on_approval
from certificates.models import Certificate
from certificates.tasks import queue_delivery
from lms.companies.signals import company_approved
from lms.learning.signals import certificates_by_course, course_completed


@receiver(course_completed)
def issue_on_completion(sender, completion, **kwargs) -> None:
    # Of a business course, it may also complete what a company needs.
    for certificate in issue_earned(completion):
        queue_delivery(certificate.pk)


@receiver(company_approved)
def issue_on_company_approval(sender, company, **kwargs) -> None:
    # Completions earned while the company was in review count now.
    for certificate in issue_on_approval(company, issued_on=timezone.localdate()):
        queue_delivery(certificate.pk)


@receiver(certificates_by_course)
def answer_certificates_by_course(
    sender, user_id: int, **kwargs
) -> dict[int, Certificate]:
    """Return the account's own certificate of each course, in one query.

    Its own: not a company's it represents. In force: neither revoked nor
    replaced by a re-issue, and of the latest period when there are several.
    """
    certificates = (
        Certificate.objects.for_user(user_id)
        .live()
        .only("pk", "code", "course_id", "period")
        .order_by("period")
    )
    return {certificate.course_id: certificate for certificate in certificates}
