"""The gazetteer's indexes: every name of every place under three keys (exact, sounding
the same, consonant skeleton), and the lookup over them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from conflictmap.gazetteer.lookup import lookup
from conflictmap.gazetteer.model import SAME_PLACE_KM, Match, Place, distance_km
from conflictmap.names import is_arabic, name_key, phonetic_key, skeleton
from conflictmap.settings import Region


@dataclass(eq=False)  # one is itself only: what is worked out from it is kept by it
class Gazetteer:
    places: list[Place] = field(default_factory=list)
    region: Region = field(default_factory=Region)
    work: frozenset = frozenset()  # (country, admin1 code) of the work area's governorates
    admin1: dict[tuple[str, str], str] = field(default_factory=dict)  # (country, key)->code
    countries: dict[str, str] = field(default_factory=dict)  # key -> ISO2
    _exact: dict[str, list[int]] = field(default_factory=dict)
    _phonetic: dict[str, list[int]] = field(default_factory=dict)
    _skeleton: dict[str, list[int]] = field(default_factory=dict)
    _keys: list[str] | None = None
    arabic: dict[int, str] = field(default_factory=dict)  # place -> its first Arabic name

    def phonetic_keys(self) -> list[str]:
        if self._keys is None or len(self._keys) != len(self._phonetic):
            self._keys = list(self._phonetic)
        return self._keys

    def add(self, place: Place, names: list[str]) -> None:
        index = len(self.places)
        self.places.append(place)
        self.add_names(index, names, place.team)

    def add_names(self, index: int, names, team: bool = False) -> None:
        """Index the names of place ``index``; its Arabic name is the team files' first
        (they override GeoNames), else GeoNames' first well-formed one."""
        if team or index not in self.arabic:
            found = next((n.strip() for n in names if n and _good_arabic(n)), None)
            if found:
                self.arabic[index] = found
        for text in {name_key(n) for n in names if n and n.strip()}:
            if text:
                sounds = phonetic_key(text)  # its key keyed again, as a lookup does
                self._exact.setdefault(text, []).append(index)
                self._phonetic.setdefault(sounds, []).append(index)
                self._skeleton.setdefault(skeleton(sounds), []).append(index)

    def share_populations(self) -> None:
        """A listed village with no population takes that of the GeoNames place it is (a
        name in common, within ``SAME_PLACE_KM``): the size of a place ranks it."""
        for indices in self._exact.values():
            sized = [i for i in indices if self.places[i].population]
            if not sized:
                continue
            for i in indices:
                place = self.places[i]
                if place.population:
                    continue
                same = [j for j in sized if distance_km(place, self.places[j]) <= SAME_PLACE_KM]
                if same:
                    biggest = max(self.places[j].population for j in same)
                    self.places[i] = replace(place, population=biggest)

    def index_of(self, name: str, country: str) -> int | None:
        for i in self._exact.get(name_key(name), []):
            if self.places[i].country == country:
                return i
        return None

    def arabic_name(self, name: str) -> str | None:
        """The Arabic name of the place called ``name`` (any spelling the gazetteer
        knows exactly), if the gazetteer has one."""
        for i in self._exact.get(name_key(name), []):
            if i in self.arabic:
                return self.arabic[i]
        return None

    # the public accessors ``lookup`` and the report drafter read the indexes through

    def exact(self, key: str) -> list[int]:
        """The places one of whose names has exactly this key (``names.name_key``)."""
        return self._exact.get(key, [])

    def knows(self, key: str) -> bool:
        return key in self._exact

    def same_spelling(self, key: str) -> list[int]:
        """The places one of whose names sounds the same (``names.phonetic_key``)."""
        return self._phonetic.get(key, [])

    def same_skeleton(self, key: str) -> list[int]:
        """The places one of whose names has the same consonants (``names.skeleton_key``)."""
        return self._skeleton.get(key, [])

    def lookup(
        self, name: str, country: str = "", admin1: str = "", admin2: str = "", context=()
    ) -> Match:
        """The place ``name`` stands for, narrowed by the row's country, governorate and
        district and by ``context``: (latitude, longitude) of the other places of its file."""
        return lookup(self, name, country, admin1, admin2, context)


def _good_arabic(name: str) -> bool:
    """An Arabic name with no stray one-letter word (GeoNames has "د مشق")."""
    return is_arabic(name) and all(len(w) > 1 for w in name.split())
