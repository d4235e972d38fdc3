from django.dispatch import receiver

from certificates.issuance import issue_earned
from certificates.tasks import queue_delivery
from lms.signals import course_completed


@receiver(course_completed)
def issue_on_completion(sender, completion, **kwargs) -> None:
    # Of a business course, it may also complete what a company needs.
    for certificate in issue_earned(completion):
        queue_delivery(certificate.pk)
