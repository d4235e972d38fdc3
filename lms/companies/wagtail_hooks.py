"""Wagtail hooks: reviewing companies' proof of representation."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from lms.companies.models import Company
from lms.companies.viewsets import CompanyViewSet, company_policy

# Registered on import, before any view asks: otherwise Wagtail falls back to
# Django model permissions, which the integrity officer does not hold.
register_permission_policy(Company, company_policy)


@hooks.register("register_admin_viewset")
def register_company_viewset():
    return CompanyViewSet()
