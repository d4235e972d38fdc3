"""Signals other apps listen to, so that lms never imports them."""

from django.dispatch import Signal

#: Sent after the transaction that records a completion commits.
#: Arguments: ``completion`` (lms.models.Completion).
course_completed = Signal()
