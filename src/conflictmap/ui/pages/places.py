"""The Places to check page (editors): the names an import could not settle, each with
its rows, its candidates on a small map and the file's other places; the analyst places
them at a candidate, another name or a clicked point, or keeps the place they were given.
"""

from __future__ import annotations

import hashlib

import streamlit as st
from streamlit_folium import st_folium

from conflictmap.errors import ConflictmapError
from conflictmap.gazetteer import load_gazetteer
from conflictmap.gazetteer.chosen import chosen_file
from conflictmap.i18n import N_
from conflictmap.ingest.geocode import AMBIGUOUS, CHECK, CLOSE, HELD, NOT_FOUND, REFUSED
from conflictmap.ingest.held import (
    from_candidate,
    from_name,
    from_point,
    held_records,
    places_to_check,
)
from conflictmap.maps.base import MapSpec
from conflictmap.maps.check import check_map, clicked_layer
from conflictmap.maps.context import context_layers
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, guarded, say_notes, show_notes
from conflictmap.ui.signin import signed_in_name

PROBLEMS = {
    NOT_FOUND: N_("Not in the gazetteer: the rows are held back until you place them."),
    REFUSED: N_(
        "Only close names were found, outside the rows' country or governorate or far from "
        "the file's other places: the rows are held back until you place them."
    ),
    AMBIGUOUS: N_("The name is that of several places: the rows were placed at the first."),
    CLOSE: N_("Read by a close spelling: check that the rows' place is the one meant."),
}
ANOTHER, CLICK = "another", "click"


def page(ctx) -> None:
    _ = ctx.words
    if done := st.session_state.pop(keys.PLACED, None):
        st.success(plain(done))
    show_notes(ctx)
    groups = places_to_check(ctx.store.pending())
    if not groups:
        st.info(_("No places to check: every name of the imported files was settled."))
        return
    st.write(
        _(
            "{count} name(s) to check. Rows held back for their place are kept with their "
            "batch, never lost. A choice is saved in {file} and teaches the next import.",
            count=len(groups),
            file=plain(str(chosen_file(ctx.settings))),
        )
    )
    labels = [_label(ctx, g) for g in groups]
    listed = hashlib.sha1(repr([g.ids for g in groups]).encode()).hexdigest()[:10]
    chosen = st.selectbox(  # a new list is a new box (an old one would show a stale name)
        _("Name to check"),
        range(len(groups)),
        format_func=labels.__getitem__,
        key=f"{keys.CHECKING}-{listed}",
    )
    show_group(ctx, groups[min(chosen or 0, len(groups) - 1)])


def _label(ctx, group) -> str:
    _ = ctx.words
    where = group.where
    counts = []
    if group.held:
        counts.append(_("{count} held back", count=group.held))
    if group.imported:
        counts.append(_("{count} to check", count=group.imported))
    # a widget's label is plain text (no Markdown), so it is shown as written
    return f"{group.place}" + (f" ({where})" if where else "") + " — " + ", ".join(counts)


def show_group(ctx, group) -> None:
    _ = ctx.words
    st.caption(_(PROBLEMS[group.problem]))
    rows = held_records(group.rows)
    rows["state"] = rows["state"].map({HELD: _("held back"), CHECK: _("imported")})
    st.dataframe(_.headed(rows), hide_index=True, width="stretch")
    tag = hashlib.sha1(repr(group.ids).encode()).hexdigest()[:10]  # widgets per name
    clicked = st.session_state.get(f"{keys.CHECK_CLICK}-{tag}")
    left, right = st.columns([3, 2])
    with left:
        gaz = load_gazetteer(ctx.settings)
        region = gaz.region
        spec = MapSpec(
            tiles=ctx.settings.tiles,
            height=420,
            bounds=(region.south, region.west, region.north, region.east),
            words=_,
            region=region,
        )
        others = ctx.store.batch_places(sorted({int(b) for b in group.rows["batch_id"]}))
        fmap = check_map(group.candidates, others, spec, context_layers(ctx.settings, _), _)
        state = st_folium(
            fmap,
            key=f"{keys.CHECK_MAP}-{tag}",
            height=420,
            use_container_width=True,
            returned_objects=["last_clicked"],
            render=False,  # st_folium renders the map itself as well: once is enough
            feature_group_to_add=[clicked_layer(clicked, _)],
        )
        point = (state or {}).get("last_clicked")
        if point and (point["lat"], point["lng"]) != clicked:
            st.session_state[f"{keys.CHECK_CLICK}-{tag}"] = (point["lat"], point["lng"])
            st.rerun()
        st.caption(_("Click the map to put the rows at a point."))
    with right:
        choose(ctx, group, gaz, clicked, tag)


def choose(ctx, group, gaz, clicked, tag: str) -> None:
    _ = ctx.words
    options = [*range(len(group.candidates)), ANOTHER, CLICK]

    def said(option) -> str:
        if option == ANOTHER:
            return _("Another name")
        if option == CLICK:
            return _("The point clicked on the map")
        c = group.candidates[option]
        where = c.get("admin2") or c.get("admin3") or c["country"]
        return plain(
            f"{option + 1}) {c['name']} ({where}, {c['latitude']:.4f}, {c['longitude']:.4f})"
        )

    how = st.radio(_("Place the rows at"), options, format_func=said, key=f"{keys.CHECK_HOW}-{tag}")
    other = ""
    if how == ANOTHER:
        other = st.text_input(_("Name (either script)"), key=f"{keys.CHECK_NAME}-{tag}")
    if how == CLICK:
        st.write(
            _("Clicked: {point}", point=f"{clicked[0]:.5f}, {clicked[1]:.5f}")
            if clicked
            else _("No point clicked yet.")
        )
    count = len(group.ids)
    if st.button(_("Place {count} row(s) there", count=count), type="primary"):
        try:
            if how == ANOTHER:
                choice = from_name(gaz, other, group.country, group.admin1)
            elif how == CLICK:
                if not clicked:
                    st.warning(_("Click the map first, then place the rows."))
                    return
                choice = from_point(gaz, *clicked, group.country)
            else:
                choice = from_candidate(group.candidates[how])
            space = ctx.workspace()
            done = space.resolve(list(group.ids), choice, signed_in_name())
        except ConflictmapError as exc:
            failed(ctx, exc)
            return
        say_notes(space)
        st.session_state[keys.PLACED] = placed_sentence(ctx, group.place, choice, done)
        st.rerun()
    if group.imported and st.button(_("Keep the place they were given")):
        kept = ctx.workspace().keep_places(list(group.ids), signed_in_name())
        st.session_state[keys.PLACED] = _(
            "'{place}': {count} row(s) keep their place.", place=group.place, count=kept
        )
        st.rerun()


def placed_sentence(ctx, place: str, choice, done) -> str:
    _ = ctx.words
    text = _(
        "'{place}' is now at {label} ({point}).",
        place=place,
        label=choice.label,
        point=f"{choice.latitude:.4f}, {choice.longitude:.4f}",
    )
    if done.batch is not None:
        text += " " + _(
            "{count} held row(s) imported as batch {batch} (undo it on the Import page).",
            count=done.imported,
            batch=done.batch,
        )
    if done.corrected:
        text += " " + _("{count} imported row(s) moved there.", count=done.corrected)
    return text


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Places to check"), page)
