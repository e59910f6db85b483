"""The overlap pass's answer as the board reads it: each item's neighbours by name
(`Near`), and why two of them match, worked out when asked (`Explainer`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping

from .similar import Entry

Neighbour = tuple[int, str, str]  # item id, whose, title
Names = Mapping[Hashable, tuple[str, str]]
Stored = Mapping[Hashable, tuple[str, bytes]]


class Near(Mapping[Hashable, list[Neighbour]]):
    """For each entry, the similar entries on other lists as (id, whose, title), made
    when asked from the overlap and the names (a tuple a pair held ahead was 40 MB at
    50,000 items)."""

    def __init__(self, overlap: Mapping[Hashable, list[tuple[Hashable, float]]], names: Names):
        self._overlap = overlap
        self._names = names

    def __getitem__(self, key: Hashable) -> list[Neighbour]:
        names = self._names
        return [(other, *names[other]) for other, _ in self._overlap[key]]  # type: ignore[misc]

    def take_whose(self) -> Mapping[Hashable, tuple[str, ...]] | None:
        """For each entry, the names of the lists its neighbours are on (sorted), if
        the process said them for every entry (`neighbours_anywhere`'s `owners`); the
        answer lets them go (the board marks its items with them, then needs them no
        more: at 50,000 items, most of them different, they were 9 MB)."""
        take = getattr(self._overlap, "take_whose", None)
        whose = take() if take is not None else None
        return whose if whose is not None and len(whose) == len(self._overlap) else None

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._overlap)

    def __len__(self) -> int:
        return len(self._overlap)


class Explainer:
    """Why two entries of a process's answer match, worked out here when asked (the
    `a` key shows a dozen): as the process would have said it, from the two titles,
    their meaning vectors (those the pass was given, where their title is the same;
    the others are embedded again, as the pass did) and the pass's language. Worked
    out ahead for every pair, the reasons were two thirds of the pass's time at
    50,000 items."""

    def __init__(self, names: Names, stored: Stored | None, lang: str) -> None:
        self._names, self._stored, self._lang = names, stored or {}, lang

    def __call__(self, first: Hashable, second: Hashable) -> str:
        from .similar.grouping import why_of

        if first not in self._names or second not in self._names:
            return ""
        vectors = {key: self._stored[key] for key in (first, second) if key in self._stored}
        return why_of(
            Entry(first, self._names[first][1]),
            Entry(second, self._names[second][1]),
            vectors,
            self._lang,
        )
