"""Factions: analyst-defined groups of actors, kept as a small editable CSV table.

Which side an actor belongs to is the analyst's judgement, not a fact of the data,
so the grouping lives in ``data/factions.csv`` (faction, colour, actor) and is
applied when incidents are read, never baked into the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from conflictmap.errors import FactionError
from conflictmap.files import replace_atomically
from conflictmap.i18n.catalogue import msg
from conflictmap.names import ascii_digits, is_arabic, normalise_arabic
from conflictmap.settings import ROOT

UNASSIGNED = "Unassigned"
COLUMNS = ["faction", "colour", "actor", "actor_type"]
SEED = ROOT / "data" / "factions.csv"  # the region's actors, shipped with conflictmap
CIVILIANS = "Civilians"  # ACLED's actor type of civilians
ACTOR_TYPES = [  # ACLED's actor types (inter1/inter2 codes 1 to 8)
    "State forces",
    "Rebel group",
    "Political militia",
    "Identity militia",
    "Rioters",
    "Protesters",
    CIVILIANS,
    "External/Other forces",
]
UNASSIGNED_COLOUR = "#7f8c8d"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LATIN_ARTICLE = re.compile(r"\b(?:al|el)\s+")


def match_form(text: str) -> str:
    """Words normalised for matching actor names: case, hyphens, Arabic forms, 'al'."""
    text = ascii_digits(str(text)).lower()
    if is_arabic(text):
        text = normalise_arabic(text).replace("ميليشي", "مليشي")  # both spellings of militia
        words = re.sub(r"[^\w]+", " ", text).split()
        words = [w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words]
        return " " + " ".join(words) + " "
    text = re.sub(r"[^\w]+", " ", text)
    return " " + " ".join(_LATIN_ARTICLE.sub("", text).split()) + " "


def singular(word: str) -> str:
    """A Latin word without its plural "s" ("militias", "forces"), for matching names
    whatever their number; Arabic words and short ones ("ISIS") are kept."""
    if not is_arabic(word) and len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _name_key(actor: str) -> str:
    """An actor's name as matched: normalised, and each word without its plural "s"."""
    return " " + " ".join(singular(w) for w in match_form(actor).split()) + " "


@dataclass(frozen=True)
class Factions:
    table: pd.DataFrame  # faction, colour, actor

    @property
    def colours(self) -> dict[str, str]:
        colours = dict(zip(self.table["faction"], self.table["colour"], strict=True))
        return colours | {UNASSIGNED: UNASSIGNED_COLOUR}

    @property
    def civilians(self) -> str:
        """The faction of the actors typed as civilians ("" if none is)."""
        typed = self.table.loc[self.table["actor_type"] == CIVILIANS, "faction"]
        return str(typed.iloc[0]) if len(typed) else ""

    @property
    def state_forces(self) -> set[str]:
        """The factions of actors typed as state forces (ACLED's "State forces")."""
        return set(self.table.loc[self.table["actor_type"] == ACTOR_TYPES[0], "faction"])

    @property
    def names(self) -> list[str]:
        return [*dict.fromkeys(self.table["faction"]), UNASSIGNED]

    def _patterns(self) -> list[tuple[str, str]]:
        pairs = {
            (_name_key(a), f)
            for a, f in zip(self.table["actor"], self.table["faction"], strict=True)
        }
        return sorted(pairs, key=lambda p: -len(p[0]))

    def of_actor(self, actor: str, patterns=None) -> str:
        form = _name_key(actor)
        for pattern, faction in patterns or self._patterns():
            if pattern.strip() and pattern in form:
                return faction
        return ""

    def codes(self, frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Faction names ("" first) and, for faction1, faction2 and faction, each row's
        position in them. Each distinct actor name is matched once, so a million rows cost
        their few hundred names (categorical columns are read through their codes)."""
        names = np.array(list(dict.fromkeys(["", *self.names])), dtype=object)
        position = {n: i for i, n in enumerate(names)}
        patterns, known = self._patterns(), {}

        def faction_of(column: str) -> np.ndarray:
            codes, actors = pd.factorize(frame[column], use_na_sentinel=True)
            found = [
                known.setdefault(a, position.get(self.of_actor(a, patterns), 0) if a else 0)
                for a in map(str, actors)
            ]
            return np.array([*found, 0], dtype=np.int32)[codes]  # code -1 (missing): ""

        out = {}
        for side, main, assoc in (
            ("faction1", "actor1", "assoc_actor_1"),
            ("faction2", "actor2", "assoc_actor_2"),
        ):
            first = faction_of(main)
            out[side] = np.where(first != 0, first, faction_of(assoc))
        colour = np.where(out["faction1"] != 0, out["faction1"], out["faction2"])
        out["faction"] = np.where(colour != 0, colour, position[UNASSIGNED])
        return names, out

    def assign(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Adds faction1, faction2 and faction (the one used for colour and legend)."""
        names, codes = self.codes(frame)
        out = frame.copy()
        for side, positions in codes.items():
            out[side] = names[positions]
        return out


def check_table(table: pd.DataFrame) -> pd.DataFrame:
    missing = {"faction", "colour", "actor"} - set(table.columns)
    if missing:
        raise FactionError(
            msg(
                (
                    "The faction table lacks column(s) {missing}; it needs faction, "
                    "colour and actor."
                ),
                missing=sorted(missing),
            )
        )
    if "actor_type" not in table.columns:
        table = table.assign(actor_type="")  # ACLED's actor type: optional
    table = table[COLUMNS].fillna("").astype(str)
    table = table.apply(lambda s: s.str.strip())
    table = table[(table["faction"] != "") | (table["actor"] != "")]
    for number, row in enumerate(table.itertuples(index=False), start=2):
        if not row.faction or not row.actor:
            raise FactionError(
                msg(
                    (
                        "Faction table line {number}: both a faction and an actor are needed "
                        "(got '{faction}', '{actor}')."
                    ),
                    number=number,
                    faction=row.faction,
                    actor=row.actor,
                )
            )
        if not _COLOUR.match(row.colour):
            raise FactionError(
                msg(
                    (
                        "Faction table line {number}: colour '{colour}' for '{faction}' is "
                        "not #RRGGBB (for example #c0392b)."
                    ),
                    number=number,
                    colour=row.colour,
                    faction=row.faction,
                )
            )
    first = table.groupby("faction", sort=False)["colour"].transform("first")
    return table.assign(colour=first).reset_index(drop=True)


def load_factions(path: Path) -> Factions:
    """The analyst's table, or the seed table shipped in the repository's data/."""
    source = path if path.exists() else SEED
    return Factions(check_table(pd.read_csv(source, dtype=str, keep_default_na=False)))


def save_factions(table: pd.DataFrame, path: Path) -> Factions:
    """Check then write atomically (a bad edit never replaces a good file)."""
    factions = Factions(check_table(table))
    replace_atomically(path, lambda tmp: factions.table.to_csv(tmp, index=False))
    return factions


def with_seed_actors(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The analyst's table with the seed table's actors it does not know yet (a table
    made before the region's lexicon grew): each goes to its seed faction, which is
    added with its seed colour when the table lacks it. The analyst's own rows, groups
    and colours are kept as they are. Returns the table and how many actors were added."""
    seed = load_factions(SEED).table
    own = check_table(table)
    known = {_name_key(a) for a in own["actor"]}  # as the table matches them
    new = seed.loc[~seed["actor"].map(_name_key).isin(known)]
    colours = dict(zip(own["faction"], own["colour"], strict=True))
    new = new.assign(colour=new["faction"].map(colours).fillna(new["colour"]))
    return check_table(pd.concat([own, new], ignore_index=True)), len(new)


def groups_of(table: pd.DataFrame) -> pd.DataFrame:
    """One row per faction: its name and colour, in the table's order."""
    return table.drop_duplicates("faction")[["faction", "colour"]].reset_index(drop=True)


def actors_of(table: pd.DataFrame) -> pd.DataFrame:
    """One row per actor name, the faction it belongs to and its ACLED actor type."""
    return table[["actor", "faction", "actor_type"]].reset_index(drop=True)


def joined(groups: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """The faction table from its two parts, as the Factions page edits them: a group
    renamed or recoloured once applies to all its actors; an actor can only be put in a
    group that exists (a typo never makes a new faction)."""
    groups = groups.fillna("").astype(str).apply(lambda s: s.str.strip())
    groups = groups.loc[groups["faction"] != ""]
    twice = groups.loc[groups["faction"].duplicated(), "faction"].tolist()
    if twice:
        raise FactionError(
            msg("The faction '{name}' is listed twice; keep one row for it.", name=twice[0])
        )
    actors = actors.fillna("").astype(str).apply(lambda s: s.str.strip())
    actors = actors.loc[(actors["actor"] != "") | (actors["faction"] != "")]
    unknown = actors.loc[~actors["faction"].isin(groups["faction"])]
    if len(unknown):
        row = unknown.iloc[0]
        raise FactionError(
            msg(
                "The actor '{actor}' is in the faction '{faction}', which is not in the list "
                "of factions; choose one of the list, or add the faction first.",
                actor=row["actor"],
                faction=row["faction"],
            )
        )
    if "actor_type" not in actors.columns:
        actors = actors.assign(actor_type="")
    return check_table(actors.merge(groups, on="faction", how="left")[COLUMNS])


def shared_colours(table: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Colours that two factions or more share (the map could not tell them apart)."""
    groups = groups_of(table)
    by_colour = groups.groupby(groups["colour"].str.lower(), sort=False)["faction"]
    return [(colour, names.tolist()) for colour, names in by_colour if len(names) > 1]
