"""Signals other apps listen to, so that lms never imports them."""

from django.dispatch import Signal

#: Sent after the transaction that records a completion commits.
#: Arguments: ``completion`` (lms.models.Completion).
course_completed = Signal()

#: Sent after the transaction that approves a company's representative
#: commits. Arguments: ``company`` (lms.models.Company).
company_approved = Signal()

#: Sent by the learner's pages (Mis cursos, a course, its assessment) to learn
#: which certificate the account holds for each course, to link to it.
#: Arguments: ``user_id``. A receiver returns ``{course_id: certificate}``,
#: the certificate in force of each course the account holds one for; the
#: pages read its ``code``. Without a receiver no course shows a certificate.
certificates_by_course = Signal()
