"""The Report page: a pasted news report drafted into incidents to correct and import."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from conflictmap import (
    extract,
)
from conflictmap.errors import ConflictmapError
from conflictmap.i18n import N_
from conflictmap.ingest.issues import issue_order
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, following, guarded, say_notes
from conflictmap.ui.signin import signed_in_name

DRAFT_COLUMNS = [
    "number",
    "include",
    "event_date",
    "end_date",
    "time_precision",
    "when_basis",
    "location",
    "place",
    "geo_precision",
    "actor1",
    "actor2",
    "factions",
    "event_type",
    "fatalities",
    "fatalities_note",
    "notes",
]


EVENT_TYPES = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Protests",
    "Riots",
]


def page(ctx) -> None:
    _ = ctx.words
    if done := st.session_state.pop(keys.REPORT_IMPORTED, None):
        st.success(plain(done))
    st.write(
        _(
            "Paste a news report (Arabic or English) to get a first draft of its incidents: "
            "dates resolved against the publication date, places from the gazetteer, actors "
            "from the faction table. Correct the table, untick what is not an incident, "
            "then import. The words it knows are in data/extract.toml, data/factions.csv "
            "and geo/."
        )
    )
    with st.form("report"):
        text = st.text_area(_("Report text"), height=200)
        left, right = st.columns(2)
        published = left.date_input(_("Published on"), value=dt.date.today(), format="YYYY-MM-DD")
        source = right.text_input(_("Source"), placeholder=_("e.g. Sky News Arabia"))
        if st.form_submit_button(_("Draft incidents"), type="primary") and text.strip():
            try:
                rows = extract.draft(text, published, source or "news report", ctx.settings)
            except ConflictmapError as exc:
                failed(ctx, exc)
                return
            st.session_state[keys.DRAFT] = {"rows": rows, "text": text, "source": source}
            st.session_state[keys.DRAFT_ROUND] = st.session_state.get(keys.DRAFT_ROUND, 0) + 1
    if draft := st.session_state.get(keys.DRAFT):
        show_draft(ctx, draft)


def show_draft(ctx, draft: dict) -> None:
    _ = ctx.words
    rows, text = draft["rows"], draft["text"]
    if not rows:
        st.info(_("No incident found in this report: no place, actor or cue word it knows."))
        return
    edited = edit_draft(ctx, rows)
    numbers = [0, *edited["number"].tolist()]
    shown = st.selectbox(
        _("Highlight"),
        numbers,
        format_func=lambda n: _("incident {number}", number=n) if n else _("all incidents"),
    )
    spans = [s for r in rows if shown in (0, r["number"]) for s in r["spans"]]
    st.markdown(extract.legend_html(_), unsafe_allow_html=True)  # our own fixed words
    st.markdown(extract.marked_html(text, spans), unsafe_allow_html=True)  # escaped inside
    kept = edited[edited["include"].fillna(False).astype(bool)]
    label = _("Import {count} incidents", count=len(kept))
    if not kept.empty and st.button(label, type="primary"):
        import_draft(ctx, draft, edited, kept)


def edit_draft(ctx, rows):
    """The drafted incidents as a table the analyst corrects (what was read from the
    text, such as the gazetteer place, stays read-only)."""
    _ = ctx.words
    return st.data_editor(
        pd.DataFrame(rows)[DRAFT_COLUMNS],
        hide_index=True,
        width="stretch",
        key=f"draft-{st.session_state.get(keys.DRAFT_ROUND, 0)}",
        disabled=["number", "when_basis", "place", "factions", "fatalities_note"],
        column_config={
            "number": st.column_config.NumberColumn("#", width="small"),
            "include": st.column_config.CheckboxColumn(_("import")),
            "time_precision": st.column_config.SelectboxColumn(options=[1, 2, 3]),
            "geo_precision": st.column_config.SelectboxColumn(options=[1, 2, 3]),
            "event_type": st.column_config.SelectboxColumn(options=EVENT_TYPES),
            "fatalities": st.column_config.NumberColumn(min_value=0, step=1),
            "place": st.column_config.TextColumn(_("gazetteer place")),
        },
    )


def import_draft(ctx, draft: dict, edited, kept) -> None:
    """The ticked incidents imported as one batch; rows the checks reject are listed by
    their number in the draft."""
    _ = ctx.words
    text = draft["text"]
    data = extract.accepted_csv(edited.to_dict("records"), text, draft["source"])
    bar = st.progress(0.0, _("Importing…"))
    name = f"report {draft['source'] or 'pasted'} {extract.report_id(text)}.csv"
    try:
        space = ctx.workspace()
        report = space.import_bytes(data, name, signed_in_name(), following(ctx, bar))
        say_notes(space)
    except ConflictmapError as exc:
        bar.empty()
        failed(ctx, exc)
        return
    bar.empty()
    if report.rejected:
        st.error(
            plain(
                _(
                    "{count} rows were not imported; fix them and import again.",
                    count=report.rejected,
                )
            )
        )
        numbers = kept["number"].tolist()  # CSV line n+1 holds the n-th kept incident
        issues = report.to_frame()
        issues.insert(0, "#", issues["line"].map(lambda n: numbers[n - 2] if n >= 2 else ""))
        issues["message"] = [i.render(_) for i in sorted(report.issues, key=issue_order)]
        st.dataframe(issues.drop(columns="line"), hide_index=True, width="stretch")
        return
    st.session_state[keys.REPORT_IMPORTED] = report.summary(_)
    st.session_state.pop(keys.DRAFT)
    st.rerun()


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Report"), page)
