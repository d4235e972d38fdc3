from django.dispatch import receiver

from certificates.issuance import issue_company_certificates, issue_for_completion
from certificates.tasks import queue_delivery
from lms.signals import course_completed


@receiver(course_completed)
def issue_on_completion(sender, completion, **kwargs) -> None:
    certificate = issue_for_completion(completion)
    queue_delivery(certificate.pk)
    # Of a business course, it may also complete what a company needs.
    for company_certificate in issue_company_certificates(completion):
        queue_delivery(company_certificate.pk)
