"""Signals of companies that other apps listen to, so that lms never imports them."""

from django.dispatch import Signal

#: Sent after the transaction that approves a company's representative
#: commits. Arguments: ``company`` (lms.models.Company).
company_approved = Signal()
