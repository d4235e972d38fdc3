"""Complementary suppression, checked without the database by brute force.

Each table is audited as an attacker would: every table of whole counts (up
to BOUND) that agrees with what is printed and with the sums is found, and
no count from 1 to 4 may be told to be under 5, nor any withheld count told
exactly.
"""

from __future__ import annotations

import pytest

from lms.transparency.suppression import Count, Publication, Sum, withheld

BOUND = 30
UNPUBLISHED = Publication.UNPUBLISHED


def possible_values(counts, sums, hidden) -> dict:
    """Return every value each count takes in the tables that agree."""
    known = {
        key: count.people
        for key, count in counts.items()
        if count.publication is not UNPUBLISHED and key not in hidden
    }
    found = {key: set() for key in counts}
    for table in _tables(dict(known), counts, sums):
        for key, value in table.items():
            found[key].add(value)
    return found


def _tables(assigned: dict, counts, sums):
    assigned = _propagate(assigned, counts, sums)
    if assigned is None:
        return
    free = [key for key in counts if key not in assigned]
    if not free:
        yield assigned
        return
    for value in range(BOUND + 1):
        yield from _tables({**assigned, free[0]: value}, counts, sums)


def _propagate(assigned: dict, counts, sums) -> dict | None:
    """Fill in what the sums tell; None if a sum cannot hold."""
    changed = True
    while changed:
        changed = False
        for s in sums:
            signed = [(s.total, 1), *((part, -1) for part in s.parts)]
            missing = [(k, sign) for k, sign in signed if k not in assigned]
            rest = sum(sign * assigned[k] for k, sign in signed if k in assigned)
            if not missing and rest != 0:
                return None
            if len(missing) == 1:
                key, sign = missing[0]
                value = -rest * sign
                if value < 0:
                    return None
                assigned[key] = value
                changed = True
    return assigned


def assert_protected(counts, sums) -> frozenset:
    hidden = withheld(counts, sums)
    found = possible_values(counts, sums, hidden)

    for key, count in counts.items():
        assert count.people in found[key], key
        if 0 < count.people < 5:
            assert key in hidden or count.publication is UNPUBLISHED, key
            assert max(found[key]) >= 5, (key, sorted(found[key]))
        if key in hidden:
            assert len(found[key]) > 1, (key, sorted(found[key]))
    return hidden


def row(total: int, **parts: int):
    """A total and its parts, all printed."""
    counts = {"total": Count(total), **{k: Count(v) for k, v in parts.items()}}
    return counts, [Sum("total", tuple(parts))]


@pytest.mark.parametrize("people", [0, 1, 4])
def test_a_printed_count_below_five_is_withheld(people):
    assert withheld({"a": Count(people)}, []) == {"a"}


def test_five_and_more_are_printed_and_stated_counts_are_never_withheld():
    counts = {"a": Count(5), "b": Count(0, Publication.STATED)}

    assert withheld(counts, []) == frozenset()


def test_a_row_total_minus_the_printed_cells_tells_nothing():
    counts, sums = row(17, a=6, b=2, c=9)

    assert assert_protected(counts, sums) == {"a", "b"}


def test_two_small_cells_in_one_row_need_a_third_to_hide():
    """Withheld 1 and 2 of a printed 13 would both read "under 4"."""
    counts, sums = row(13, a=1, b=2, c=10)

    assert assert_protected(counts, sums) == {"a", "b", "c"}


def test_a_late_count_never_printed_is_not_told_by_due_minus_on_time():
    counts = {"due": Count(6), "on_time": Count(5), "late": Count(1, UNPUBLISHED)}

    assert assert_protected(counts, [Sum("due", ("on_time", "late"))]) == {"on_time"}


def test_a_unit_against_its_sub_units_and_all_units_against_the_others():
    counts = {
        "all": Count(27),
        "u1": Count(11),
        "u2": Count(7),
        "u3": Count(9),
        "s1": Count(3),
        "s2": Count(8),
    }
    sums = [Sum("all", ("u1", "u2", "u3")), Sum("u1", ("s1", "s2"))]

    hidden = assert_protected(counts, sums)

    assert {"s1", "s2"} <= hidden


def test_a_table_with_row_and_column_totals():
    values = [[7, 2, 9], [6, 8, 3], [10, 12, 1]]
    counts = {
        (i, j): Count(v) for i, line in enumerate(values) for j, v in enumerate(line)
    }
    sums = []
    for i in range(3):
        counts["row", i] = Count(sum(values[i]))
        sums.append(Sum(("row", i), tuple((i, j) for j in range(3))))
        counts["column", i] = Count(sum(line[i] for line in values))
        sums.append(Sum(("column", i), tuple((j, i) for j in range(3))))
    counts["all"] = Count(sum(map(sum, values)))
    sums += [
        Sum("all", tuple(("row", i) for i in range(3))),
        Sum("all", tuple(("column", i) for i in range(3))),
    ]

    hidden = assert_protected(counts, sums)

    assert {(0, 1), (1, 2), (2, 2)} <= hidden
    assert not any(key in hidden for key in counts if key[0] in ("row", "column"))
