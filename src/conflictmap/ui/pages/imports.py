"""The Import page: a file checked and its report shown before anything is stored, then
imported as one batch; the batches (undo asks first) and the links across datasets.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from conflictmap.errors import ConflictmapError
from conflictmap.i18n import N_
from conflictmap.ingest import pipeline
from conflictmap.ingest.issues import ERROR, FORMAT_NAMES, WARNING
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import current
from conflictmap.ui.feedback import failed, following, guarded, say_notes, show_notes
from conflictmap.ui.signin import signed_in_name


def table_action(ctx, title: str, table, none: str, choices: list, label: str, button: str, act):
    """A table with one action on a chosen row (undo a batch, split a link)."""
    _ = ctx.words
    st.subheader(title)
    if table.empty:
        st.write(none)
        return
    st.dataframe(_.headed(table), width="stretch", hide_index=True)
    if not choices:
        return
    left, right = st.columns([2, 2])
    chosen = left.selectbox(label, choices)
    if right.button(button.replace("{batch}", str(chosen))):
        try:
            done = act(chosen)
        except ConflictmapError as exc:
            failed(ctx, exc)
            return
        st.session_state[keys.IMPORTED] = done
        st.rerun()


UNDO_ASKED = keys.UNDO_ASKED  # the batch whose undo waits for a yes


def show_batches(ctx, store) -> None:
    """The imports, newest first, each live or undone (and when); undoing one asks first."""
    _ = ctx.words
    table = store.batches()
    st.subheader(_("Batches"))
    if table.empty:
        st.write(_("No imports yet."))
        return
    shown = table.iloc[::-1].copy()
    shown.insert(
        1,
        "state",
        shown["undone_at"].map(
            lambda t: _("live") if pd.isna(t) else _("undone {when}", when=str(t)[:16])
        ),
    )
    shown["format"] = shown["format"].map(lambda f: _(FORMAT_NAMES.get(f, f)))
    st.dataframe(_.headed(shown.drop(columns=["sha256", "undone_at"])), hide_index=True)
    live = table.loc[table["undone_at"].isna(), "id"].tolist()[::-1]
    if not live:
        return
    asked = st.session_state.get(UNDO_ASKED)
    left, right = st.columns([2, 2])
    chosen = left.selectbox(_("Batch to undo"), live)
    if asked is None or asked not in live:
        if right.button(_("Undo batch {batch}", batch=chosen)):
            st.session_state[UNDO_ASKED] = int(chosen)
            st.rerun()
        return
    row = table.loc[table["id"] == asked].iloc[0]
    st.warning(
        plain(
            _(
                "Undo batch {batch} ({file}, {when})? It removes the {added} incidents it "
                "added and restores the {updated} it changed. The batch stays listed as undone.",
                batch=asked,
                file=row["file"],
                when=str(row["imported_at"])[:16],
                added=f"{int(row['added'] or 0):,}",
                updated=f"{int(row['updated'] or 0):,}",
            )
        )
    )
    yes, no = st.columns(2)
    if no.button(_("Cancel")):
        st.session_state.pop(UNDO_ASKED, None)
        st.rerun()
    if yes.button(_("Yes, undo batch {batch}", batch=asked), type="primary"):
        st.session_state.pop(UNDO_ASKED, None)
        outcome = ctx.workspace().undo(int(asked))
        st.session_state[keys.IMPORTED] = _(
            "Undid batch {batch}: removed {removed}, restored {restored}.",
            batch=asked,
            removed=-outcome.added,
            restored=outcome.updated,
        )
        st.rerun()


def show_links(ctx, store) -> None:
    _ = ctx.words
    table = store.links()
    ids = [] if table.empty else table["incident_id"].tolist()

    def split(chosen) -> str:
        ctx.workspace().split(chosen)
        return _("Split {id}: it is its own incident again.", id=chosen)

    table_action(
        ctx,
        _("Reports linked across datasets"),
        table,
        _("No links yet."),
        ids,
        _("Report to split off"),
        _("Split {batch}"),
        split,
    )


def page(ctx) -> None:
    _ = ctx.words
    store = ctx.store
    if done := st.session_state.pop(keys.IMPORTED, None):
        st.success(plain(done))
    show_notes(ctx)
    if waiting := store.pending_count():
        st.info(_("{count} row(s) wait for you to check their place.", count=f"{waiting:,}"))
        st.page_link(str(Path(__file__).with_name("places.py")), label=_("Places to check"))
    try:
        import_form(ctx, store)
    finally:
        show_batches(ctx, store)
        show_links(ctx, store)


def import_form(ctx, store) -> None:
    _ = ctx.words
    round_ = st.session_state.setdefault(keys.UPLOAD_ROUND, 0)
    upload = st.file_uploader(
        _("Incident file (ACLED, UCDP GED or your own sheet)"),
        type=["csv", "tsv", "txt", "xlsx"],
        key=f"upload-{round_}",
    )
    if upload is None:
        return
    data = upload.getvalue()
    bar = st.progress(0.0, _("Checking…"))
    try:
        report, _rows = pipeline.check_bytes(
            data, upload.name, ctx.settings, following(ctx, bar), store
        )
    except ConflictmapError as exc:
        bar.empty()
        failed(ctx, exc)
        return
    bar.empty()
    st.write(plain(report.summary(_)))
    if (batch := store.find_batch(report.sha256)) is not None:
        st.warning(
            plain(
                _(
                    "This file was already imported as batch {batch}: importing it again "
                    "changes nothing.",
                    batch=batch,
                )
            )
        )
    if report.issues:
        show_issues(ctx, report)
    label = _("Import {count} incidents", count=f"{report.imported:,}")
    if report.imported and st.button(label, type="primary"):
        bar = st.progress(0.0, _("Importing…"))
        space = ctx.workspace()
        done = space.import_bytes(data, upload.name, signed_in_name(), following(ctx, bar))
        say_notes(space)
        st.session_state[keys.IMPORTED] = done.summary(_)
        st.session_state[keys.UPLOAD_ROUND] = round_ + 1
        st.rerun()


def show_issues(ctx, report) -> None:
    """The report grouped by message (errors first), a severity filter, the full list and
    the rejected rows (their own columns plus the problem) to download."""
    _ = ctx.words
    levels = {ERROR: _("errors"), WARNING: _("warnings")}
    present = [s for s in levels if any(i.severity == s for i in report.issues)]
    chosen = st.segmented_control(
        _("Show"),
        present,
        selection_mode="multi",
        default=present,
        format_func=levels.get,
        key=keys.ISSUE_LEVELS,
    )
    st.dataframe(report.groups(_, tuple(chosen or present)), width="stretch", hide_index=True)
    left, right = st.columns(2)
    left.download_button(
        _("Download every issue, one per line (CSV)"),
        report.to_csv(_),
        file_name="conflictmap-report.csv",
        mime="text/csv",
    )
    if report.rejected:
        right.download_button(
            _("Download the {count} rejected rows to fix (CSV)", count=f"{report.rejected:,}"),
            report.rejected_csv(),
            file_name=f"rejected-{report.file}".removesuffix(".xlsx").removesuffix(".csv") + ".csv",
            mime="text/csv",
        )


if __name__ == "__main__":  # run by st.navigation (app.py) as this page's script
    guarded(current(), N_("Import"), page)
