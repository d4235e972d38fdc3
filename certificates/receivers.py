from django.dispatch import receiver
from django.utils import timezone

from certificates.issuance import issue_earned, issue_on_approval
from certificates.tasks import queue_delivery
from lms.companies.signals import company_approved
from lms.learning.signals import course_completed


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
