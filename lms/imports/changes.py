"""Import HR's staff list: check every row, preview the changes, apply them whole.

The dry run and the real run share one path (read, parse, plan); the real run
then writes the plan in bulk inside one transaction, so any error leaves the
database as it was. It writes a chunk of rows at a time, each with a fixed
number of queries, so 10,000 rows cost a few dozen queries, not thousands, and
memory holds one chunk's records, not the whole file's.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.imports.columns import STAFF_FILE, StaffRow, parse_sheet
from lms.lib.spreadsheets import RowError, SpreadsheetError, read_sheet
from lms.people.models import Person, User
from lms.staff.assignments import SyncResult, sync_assignments
from lms.staff.models import Organisation, Regime, StaffImport, StaffMember
from lms.staff.scopes import Scope, identity_error, unseen_record_error

# Existing people are looked up this many document numbers at a time, which
# keeps each query under SQLite's and PostgreSQL's parameter limits.
LOOKUP_CHUNK = 2000
# Rows written at a time, with their assignments and links (see `_apply`).
WRITE_CHUNK = 2000
LOG_ACTION = "lms.staff_import"


@dataclass
class Change:
    """An existing record the row changes, with each field's old and new value."""

    row: StaffRow
    staff: StaffMember
    # (label, old, new); old is None where the old record is not the scope's.
    fields: list[tuple[str, str | None, str]]
    is_rehire: bool
    # False for a former record of a unit outside the scope, taken over.
    seen: bool = True


@dataclass
class ImportPlan:
    """The writes a valid file asks for, worked out before any is made."""

    today: date
    new: list[tuple[StaffRow, Person | None]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    leavers: list[StaffMember] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do), or why it did nothing."""

    errors: list[RowError] = field(default_factory=list)
    plan: ImportPlan | None = None
    dry_run: bool = False
    assignments: SyncResult = field(default_factory=SyncResult)
    # The record of an applied import, which lists the people it touched.
    batch: StaffImport | None = None

    @property
    def created(self) -> int:
        return len(self.plan.new) if self.plan else 0

    @property
    def changed(self) -> int:
        return len(self.plan.changed) if self.plan else 0

    @property
    def unchanged(self) -> int:
        return self.plan.unchanged if self.plan else 0

    @property
    def left(self) -> int:
        return len(self.plan.leavers) if self.plan else 0

    def summary(self) -> dict[str, int]:
        return {
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "left": self.left,
            "assignments_created": self.assignments.created,
            "assignments_closed": self.assignments.closed,
        }


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while a file is imported.

    The collector starts by allocation count, and each full pass walks the
    whole heap: a 10,000-row import spent nearly a quarter of its time in
    passes that found next to nothing. The import makes no reference cycles
    (records are linked by id, not by object), so its memory is freed as it
    goes all the same; the collector resumes as the import returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_collector_paused()
def import_staff(
    *,
    data: bytes,
    filename: str,
    scope: Scope,
    today: date,
    full: bool = False,
    dry_run: bool = False,
    by: User | None = None,
) -> ImportResult:
    """Check the file and, unless a dry run, apply all of it or none of it."""
    rows, errors = _checked_rows(data, filename, scope=scope)
    if errors:
        return ImportResult(errors=errors, dry_run=dry_run)
    if dry_run:
        plan = plan_import(rows, scope=scope, today=today, full=full)
        return ImportResult(errors=plan.errors, plan=plan, dry_run=True)
    try:
        with transaction.atomic():
            plan = plan_import(rows, scope=scope, today=today, full=full)
            if plan.errors:
                return ImportResult(errors=plan.errors, plan=plan)
            result = ImportResult(plan=plan)
            result.batch = _record(result, filename=filename, full=full, by=by)
            result.assignments = _apply(plan, batch=result.batch)
            _log(result, scope=scope, filename=filename, full=full, by=by)
    except IntegrityError:
        # Another import or edit wrote the same people meanwhile.
        message = _(
            "Staff records changed while importing; nothing was written. Try again."
        )
        return ImportResult(errors=[RowError(None, "", message)])
    return result


def _checked_rows(
    data: bytes, filename: str, *, scope: Scope
) -> tuple[list[StaffRow], list[RowError]]:
    """Return the file's rows checked, or its errors; the sheet is not kept."""
    try:
        sheet = read_sheet(data, filename, limits=STAFF_FILE)
    except SpreadsheetError as error:
        return [], [RowError(None, "", str(error))]
    return parse_sheet(sheet, scope=scope)


# Planning --------------------------------------------------------------------


def _short(day: date | None) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


# Fields the file sets on a staff record, with how a preview shows each value.
STAFF_FIELDS: dict[str, Callable[[object], str]] = {
    "email": str,
    "unit": lambda unit: unit.code,
    "post": str,
    "regime": lambda code: Regime(code).label,
    "is_senior_official": lambda flag: _("Yes") if flag else _("No"),
    "hired_on": _short,
    "left_on": _short,
}
PERSON_FIELDS = ("first_names", "last_names")
# A change to any of these may bring new requirements, counted from the move.
MOVE_FIELDS = ("unit", "regime", "is_senior_official")


def plan_import(
    rows: Sequence[StaffRow], *, scope: Scope, today: date, full: bool
) -> ImportPlan:
    """Sort the rows into new, changed and unchanged staff, and find leavers."""
    plan = ImportPlan(today=today)
    people = _existing_people(rows)
    for row in rows:
        person = people.get(row.key)
        staff = getattr(person, "staff_record", None) if person else None
        error = _row_error(row, person, staff, scope=scope, today=today)
        if error:
            plan.errors.append(error)
        elif staff is None:
            if person and scope.owns_identity(person):
                person.first_names, person.last_names = row.first_names, row.last_names
            plan.new.append((row, person))
        else:
            change = _change(row, person, staff, scope=scope, today=today)
            if change.fields:
                plan.changed.append(change)
            else:
                plan.unchanged += 1
    if full:
        plan.leavers = _leavers(rows, scope=scope, today=today)
    return plan


def _row_error(
    row: StaffRow,
    person: Person | None,
    staff: StaffMember | None,
    *,
    scope: Scope,
    today: date,
) -> RowError | None:
    """Refuse a row that takes a person or record the scope may not take."""
    if person is None:
        return None
    # A former employee of another unit may be rehired here; a current one
    # moves only by their own unit's HR office.
    if staff and staff.is_active(today=today) and not scope.covers(staff.unit):
        return RowError(row.row, "codigo_unidad", unseen_record_error())
    message = identity_error(
        scope, person, first_names=row.first_names, last_names=row.last_names
    )
    return RowError(row.row, "nombres", message) if message else None


def _existing_people(rows: Sequence[StaffRow]) -> dict[tuple[str, str], Person]:
    numbers = sorted({row.document_number for row in rows})
    people = {}
    for chunk in _chunks(numbers, LOOKUP_CHUNK):
        for person in Person.objects.filter(document_number__in=chunk).select_related(
            "staff_record__unit"
        ):
            people[person.document_type, person.document_number] = person
    return people


def _change(
    row: StaffRow, person: Person, staff: StaffMember, *, scope: Scope, today: date
) -> Change:
    """Copy the row onto the person and record, listing what it changed.

    A record the scope cannot see (a former employee of another unit) lists
    the file's values only: its old ones are that unit's.
    """
    seen = scope.covers(staff.unit)
    fields = []
    if scope.owns_identity(person):
        for name in PERSON_FIELDS:
            old, new = getattr(person, name), getattr(row, name)
            if old != new:
                fields.append((Person._meta.get_field(name).verbose_name, old, new))
                setattr(person, name, new)
    moved = False
    is_rehire = (
        staff.left_on is not None
        and row.left_on is None
        and row.hired_on > staff.left_on
    )
    for name, show in STAFF_FIELDS.items():
        old, new = getattr(staff, name), getattr(row, name)
        if old != new or not seen:
            label = StaffMember._meta.get_field(name).verbose_name
            fields.append((label, show(old) if seen else None, show(new)))
            setattr(staff, name, new)
            moved = moved or name in MOVE_FIELDS
    # A rehire starts afresh from its hire date, so it is no move.
    if moved and not is_rehire:
        staff.moved_on = row.moved_on or today
    elif row.moved_on and row.moved_on != staff.moved_on:
        # HR corrects the day an earlier move took effect.
        label = StaffMember._meta.get_field("moved_on").verbose_name
        fields.append(
            (label, _short(staff.moved_on) if seen else None, _short(row.moved_on))
        )
        staff.moved_on = row.moved_on
    return Change(
        row=row, staff=staff, fields=fields, is_rehire=is_rehire and seen, seen=seen
    )


def _leavers(
    rows: Sequence[StaffRow], *, scope: Scope, today: date
) -> list[StaffMember]:
    """Return the active staff in scope whom a full list leaves out."""
    listed = {row.key for row in rows}
    # Someone hired today or later is not on the payroll list yet.
    current = (
        scope.staff()
        .active(today=today)
        .filter(hired_on__lt=today)
        .select_related("person", "unit")
    )
    leavers = []
    for staff in current:
        if (staff.person.document_type, staff.person.document_number) not in listed:
            # The day before the import, so that the person is no longer
            # active today and their open assignments close now.
            staff.left_on = today - timedelta(days=1)
            leavers.append(staff)
    return leavers


# Applying --------------------------------------------------------------------


def _apply(plan: ImportPlan, *, batch: StaffImport) -> SyncResult:
    """Write the plan a chunk at a time, each chunk with its links and assignments.

    A chunk's new records are freed once it is written, so memory stays
    bounded whatever the file's size.
    """
    result = SyncResult()
    for rows in _chunks(plan.new, WRITE_CHUNK):
        result.add(_link_and_sync(_create(rows), batch=batch, today=plan.today))
    for changes in _chunks(plan.changed, WRITE_CHUNK):
        Person.objects.bulk_update(
            [change.staff.person for change in changes], PERSON_FIELDS
        )
    updated = [change.staff for change in plan.changed] + plan.leavers
    for staff in _chunks(updated, WRITE_CHUNK):
        StaffMember.objects.bulk_update(staff, [*STAFF_FIELDS, "moved_on"])
        result.add(_link_and_sync(staff, batch=batch, today=plan.today))
    return result


def _create(rows: Sequence[tuple[StaffRow, Person | None]]) -> list[StaffMember]:
    """Create the staff records of new rows, and the people not known yet."""
    new_people = [
        Person(
            document_type=row.document_type,
            document_number=row.document_number,
            first_names=row.first_names,
            last_names=row.last_names,
        )
        for row, person in rows
        if person is None
    ]
    Person.objects.bulk_create(new_people)
    Person.objects.bulk_update(
        [person for _row, person in rows if person], PERSON_FIELDS
    )
    created_people = iter(new_people)
    return StaffMember.objects.bulk_create(
        [
            # By id: a record holding its person, who holds it back, is a
            # reference cycle, which only the garbage collector frees.
            StaffMember(
                person_id=(person or next(created_people)).pk,
                moved_on=row.moved_on,
                **{name: getattr(row, name) for name in STAFF_FIELDS},
            )
            for row, person in rows
        ]
    )


def _link_and_sync(
    staff: Sequence[StaffMember], *, batch: StaffImport, today: date
) -> SyncResult:
    """List the records just written in the import, and bring their assignments
    in line; the sync takes the records as they are, without reading them back.
    """
    link = StaffImport.staff.through
    link.objects.bulk_create(
        [link(staffimport_id=batch.pk, staffmember_id=member.pk) for member in staff]
    )
    return sync_assignments(today=today, staff=staff)


def _record(
    result: ImportResult, *, filename: str, full: bool, by: User | None
) -> StaffImport:
    """Keep the import for the dashboard; `_apply` lists whom it touches in it."""
    return StaffImport.objects.create(
        imported_by=by,
        filename=filename,
        full=full,
        created=result.created,
        changed=result.changed,
        left=result.left,
    )


def _log(
    result: ImportResult, *, scope: Scope, filename: str, full: bool, by: User | None
) -> None:
    """Record the import in the audit log of each unit at the top of the scope."""
    if scope.everything:
        units = Organisation.get_root_nodes()
    else:
        units = Organisation.objects.filter(path__in=scope.paths)
    data = {"file": filename, "full": full, **result.summary()}
    for unit in units:
        log(instance=unit, action=LOG_ACTION, user=by, data=data)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
