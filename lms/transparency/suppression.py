"""Complementary suppression of small counts of people in published tables.

A table is a set of counts and the sums that tie them: a row total is the
sum of its cells, a unit the sum of its sub-units, a year the sum of its
quarters. A count from 1 to 4 could point at someone, so it must be neither
printed nor derivable. `withheld` hides every printed count below
`SMALL_GROUP`, then hides more printed counts, one at a time, until, for all
anyone can tell from what is printed and the sums:

- every count from 1 to 4, printed or not, could as well be 5 or more;
- no withheld count can be worked out exactly.

What can be told is decided exactly: the least and greatest value of a count
over every table of non-negative counts that agrees with what is printed, by
linear programming over the sums, one group of linked counts at a time.

A printed zero is withheld as well, or a withheld count that stands alone
would read "from 1 to 4: somebody is there". A zero may be derivable, though
(a share of 100 % says that nobody was late): it points at nobody, and the
group it is part of has at least 5 people, since a smaller one is withheld.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

SMALL_GROUP = 5

Key = Hashable


class Publication(Enum):
    PRINTED = "printed"
    """Printed, unless withheld here."""
    STATED = "stated"
    """Published whatever its size, as what the table means (e.g. nobody late)."""
    UNPUBLISHED = "unpublished"
    """Never printed, but tied to printed counts by a sum (e.g. the late ones)."""


@dataclass(frozen=True)
class Count:
    """A count of people and how it is published."""

    people: int
    publication: Publication = Publication.PRINTED


@dataclass(frozen=True)
class Sum:
    """`total` is the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    def keys(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


def is_small(people: int) -> bool:
    """Return whether a count could point at someone: from 1 to 4."""
    return 0 < people < SMALL_GROUP


def withheld(counts: Mapping[Key, Count], sums: Iterable[Sum]) -> frozenset[Key]:
    """Return the printed counts not to print: the small ones and their cover."""
    hidden = {
        key
        for key, count in counts.items()
        if count.publication is Publication.PRINTED and count.people < SMALL_GROUP
    }
    for group in _linked(list(sums)):
        _cover(counts, group, hidden)
    return frozenset(hidden)


def _linked(sums: list[Sum]) -> list[list[Sum]]:
    """Return the sums in groups that share no count with one another."""
    groups: list[tuple[set[Key], list[Sum]]] = []
    for added in sums:
        keys, members = set(added.keys()), [added]
        for group in [g for g in groups if g[0] & keys]:
            groups.remove(group)
            keys |= group[0]
            members = group[1] + members
        groups.append((keys, members))
    return [members for _keys, members in groups]


def _cover(counts: Mapping[Key, Count], sums: list[Sum], hidden: set[Key]) -> None:
    """Withhold printed counts of a group until nothing small can be told."""
    keys = list(dict.fromkeys(key for s in sums for key in s.keys()))
    while (exposed := _first_exposed(counts, sums, keys, hidden)) is not None:
        beside = {key for s in sums if exposed in s.keys() for key in s.keys()}
        # The fewest people first, and those summed with the exposed count
        # first of all: one of them must go if no single count suffices.
        candidates = sorted(
            (
                key
                for key in keys
                if counts[key].publication is Publication.PRINTED and key not in hidden
            ),
            key=lambda key: (key not in beside, counts[key].people),
        )
        if not candidates:
            raise ValueError(f"{exposed!r} can be told from stated counts alone")
        hidden.add(
            next(
                (
                    key
                    for key in candidates
                    if not _exposed(counts, sums, exposed, hidden | {key})
                ),
                candidates[0],
            )
        )


def _first_exposed(
    counts: Mapping[Key, Count], sums: list[Sum], keys: list[Key], hidden: set[Key]
) -> Key | None:
    return next((key for key in keys if _exposed(counts, sums, key, hidden)), None)


def _exposed(
    counts: Mapping[Key, Count], sums: list[Sum], key: Key, hidden: set[Key]
) -> bool:
    """Return whether `key` is small and told so, or withheld and told exactly."""
    count = counts[key]
    unknown = count.publication is Publication.UNPUBLISHED or key in hidden
    if not unknown or not (is_small(count.people) or key in hidden):
        return False
    greatest = _extreme(counts, sums, key, hidden, sign=1)
    if is_small(count.people):
        return greatest is not None and greatest < SMALL_GROUP
    if greatest is None or greatest > count.people:
        return False
    return -_extreme(counts, sums, key, hidden, sign=-1) == count.people


def _extreme(
    counts: Mapping[Key, Count],
    sums: list[Sum],
    key: Key,
    hidden: set[Key],
    *,
    sign: int,
) -> Fraction | None:
    """Return the greatest value of `sign` × `key` that agrees with what is known.

    None if it has no bound. Every unknown count is at least 0.
    """
    unknown = [
        k
        for k in dict.fromkeys(k for s in sums for k in s.keys())
        if counts[k].publication is Publication.UNPUBLISHED or k in hidden
    ]
    column = {k: j for j, k in enumerate(unknown)}
    rows, rhs = [], []
    for s in sums:
        row = [Fraction(0)] * len(unknown)
        constant = 0
        for k, coefficient in ((s.total, 1), *((part, -1) for part in s.parts)):
            if k in column:
                row[column[k]] += coefficient
            else:
                constant -= coefficient * counts[k].people
        rows.append(row)
        rhs.append(Fraction(constant))
    objective = [Fraction(sign if k == key else 0) for k in unknown]
    return _maximum(rows, rhs, objective)


def _maximum(
    rows: list[list[Fraction]], rhs: list[Fraction], objective: list[Fraction]
) -> Fraction | None:
    """Return the maximum of objective·y with rows·y = rhs and y ≥ 0.

    None if it has no bound; the constraints must have a solution. The
    simplex method on exact fractions, in two phases, with Bland's rule.
    """
    n, m = len(objective), len(rows)
    tableau = []
    for i, (row, value) in enumerate(zip(rows, rhs, strict=True)):
        sign = -1 if value < 0 else 1
        artificial = [Fraction(int(i == j)) for j in range(m)]
        tableau.append([sign * a for a in row] + artificial + [sign * value])
    basis = list(range(n, n + m))
    _simplex(tableau, basis, [Fraction(0)] * n + [Fraction(-1)] * m)
    for i, variable in enumerate(basis):
        if variable >= n:
            entering = next((j for j in range(n) if tableau[i][j]), None)
            if entering is not None:
                _pivot(tableau, basis, i, entering)
    # A row whose artificial variable stays basic was redundant.
    kept = [i for i, variable in enumerate(basis) if variable < n]
    tableau = [tableau[i][:n] + [tableau[i][-1]] for i in kept]
    basis = [basis[i] for i in kept]
    return _simplex(tableau, basis, objective)


def _simplex(
    tableau: list[list[Fraction]], basis: list[int], objective: list[Fraction]
) -> Fraction | None:
    """Pivot to the maximum of `objective` from a feasible basis; None if unbounded."""
    basic = [(objective[b], row) for b, row in zip(basis, tableau, strict=True)]
    reduced = [
        cost - sum(value * row[j] for value, row in basic)
        for j, cost in enumerate(objective)
    ]
    while (
        entering := next((j for j, r in enumerate(reduced) if r > 0), None)
    ) is not None:
        ratios = [
            (row[-1] / row[entering], basis[i], i)
            for i, row in enumerate(tableau)
            if row[entering] > 0
        ]
        if not ratios:
            return None
        leaving = min(ratios)[2]
        _pivot(tableau, basis, leaving, entering)
        factor = reduced[entering]
        reduced = [
            r - factor * a for r, a in zip(reduced, tableau[leaving][:-1], strict=True)
        ]
    return sum(
        (objective[b] * row[-1] for b, row in zip(basis, tableau, strict=True)),
        Fraction(0),
    )


def _pivot(tableau: list[list[Fraction]], basis: list[int], i: int, j: int) -> None:
    pivot_row = [value / tableau[i][j] for value in tableau[i]]
    tableau[i] = pivot_row
    for r, row in enumerate(tableau):
        if r != i and row[j]:
            factor = row[j]
            tableau[r] = [a - factor * b for a, b in zip(row, pivot_row, strict=True)]
    basis[i] = j
