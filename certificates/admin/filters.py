"""What the certificates' admin list shows: its filters and its search.

The list (`viewsets.CertificateIndexView`) and an export of it
(`exports.matching`) both read these, so an export holds exactly what the
list showed when it was asked for.
"""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import SuffixedMultiWidget
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from certificates import codes
from certificates.models import Certificate
from courses.models import CoursePage

SEARCH_FIELDS = ["code", "holder_name", "person__document_number"]
# The search box's parameter in Wagtail's index views.
SEARCH_PARAM = "q"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Return the certificates matching every word of the query in some field.

    A code typed loosely, as the public verification form accepts it, is
    found too.
    """
    matches = Q()
    for word in query.split():
        in_any_field = Q()
        for field in SEARCH_FIELDS:
            in_any_field |= Q(**{f"{field}__icontains": word})
        matches &= in_any_field
    try:
        code = codes.normalise(query, prefix=settings.CERTIFICATE_CODE_PREFIX)
    except codes.CodeError:
        return queryset.filter(matches)
    return queryset.filter(matches | Q(code=code))


class CertificateFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("title")
    )
    issued_on = django_filters.DateFromToRangeFilter(
        label=_("Issued on"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Certificate
        fields = ["course", "issued_on"]


def filter_params(query: QueryDict) -> dict[str, str]:
    """Return the parameters of `query` that choose what the list shows.

    Those CertificateFilterSet reads and the search term: an export of the
    list (`certificates.admin.exports.matching`) takes exactly these.
    """
    names = [SEARCH_PARAM]
    for name, field in CertificateFilterSet().form.fields.items():
        if isinstance(field.widget, SuffixedMultiWidget):
            names += [f"{name}_{suffix}" for suffix in field.widget.suffixes]
        else:
            names.append(name)
    return {name: query[name] for name in names if name in query}
