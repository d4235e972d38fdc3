"""Signals other apps listen to, so that lms never imports them."""

from django.dispatch import Signal

#: Sent after the transaction that records a completion commits, to each
#: receiver in turn: one that fails is logged and the others still run (staff
#: brings mandatory training up to date, certificates issues the certificate).
#: Arguments: ``completion`` (lms.models.Completion).
course_completed = Signal()

#: Sent inside the transaction that revokes a completion, once the completion
#: says so. Receivers undo, in the same transaction, what it counted for (staff
#: reopens the training it had completed). Arguments: ``completion``, ``now``.
completion_revoked = Signal()

#: Sent to learn whether a learner takes the course in class (a trainer's
#: cohort), where lessons are taught and their online reading is not asked.
#: Arguments: ``enrolment``, ``today``. A receiver returns True if so.
taught_in_class = Signal()

#: Sent inside the transaction that scores a passed attempt. A receiver
#: returns True when the pass completes the course under its own rule (a
#: cohort's, which also asks for attendance); when none does, the pass
#: records the completion itself. Arguments: ``attempt``, ``now``.
passed_in_class = Signal()

#: Sent by the learner's pages (Mis cursos, a course, its assessment) to learn
#: which certificate the account holds for each course, to link to it.
#: Arguments: ``user_id``. A receiver returns ``{course_id: certificate}``,
#: the certificate in force of each course the account holds one for; the
#: pages read its ``code``. Without a receiver no course shows a certificate.
certificates_by_course = Signal()
