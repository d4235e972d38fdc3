from django.dispatch import receiver

from certificates.issuance import issue_company_certificates, issue_for_completion
from certificates.tasks import deliver_certificate
from lms.signals import course_completed


@receiver(course_completed)
def issue_on_completion(sender, completion, **kwargs) -> None:
    certificate = issue_for_completion(completion)
    deliver_certificate.enqueue(certificate.pk)
    # Of a business course, it may also complete what a company needs.
    for company_certificate in issue_company_certificates(completion):
        deliver_certificate.enqueue(company_certificate.pk)
