"""conflictmap dashboard: page config, the asset check, the run's context, sign-in and
the navigation between pages. Everything else lives in ``conflictmap.ui`` (pages,
components, sidebar) over the library.

Run with `make run` (serve.py, which adds the upload gate) or `streamlit run app.py`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from conflictmap.assets import check_installed
from conflictmap.errors import ConflictmapError
from conflictmap.factions import load_factions
from conflictmap.i18n import N_, message
from conflictmap.settings import Settings
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.ui.context import Context, get_store
from conflictmap.ui.feedback import LOG
from conflictmap.ui.sidebar import read_language, show_work_area
from conflictmap.ui.signin import allow_uploads, sign_in

PAGES = Path(__file__).parent / "src" / "conflictmap" / "ui" / "pages"
# (file, title, url path): the map is the default page, so a shared link (``/?view=…``)
# opens on it with its state; viewers see the map alone
EDITOR_PAGES = (
    ("map.py", N_("Map"), "map"),
    ("imports.py", N_("Import"), "import"),
    ("places.py", N_("Places to check"), "places"),
    ("report.py", N_("Report"), "report"),
    ("factions.py", N_("Factions"), "factions"),
    ("layers.py", N_("Layers"), "layers"),
)


def main() -> None:
    st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")
    check_installed()
    settings = Settings()
    words = read_language(settings)
    user = sign_in(settings, words)
    allow_uploads(user.can_edit)
    url = settings.default_store_url
    store = get_store(url, settings)
    factions = load_factions(settings.factions_file)
    st.session_state[keys.CONTEXT] = Context(settings, words, user, url, store, factions)
    keys.keep_widgets()
    show_work_area(st.session_state[keys.CONTEXT])
    shown = EDITOR_PAGES if user.can_edit else EDITOR_PAGES[:1]
    pages = [
        st.Page(PAGES / file, title=words(title), url_path=path, default=i == 0)
        for i, (file, title, path) in enumerate(shown)
    ]
    st.title("conflictmap")
    st.navigation(pages, position="top" if user.can_edit else "hidden").run()


try:
    main()
except ConflictmapError as exc:  # missing assets, an unusable store: one sentence
    st.error(plain(message(exc, st.session_state.get(keys.LANG, "en"))))
except Exception as exc:  # a bug before any page runs: a sentence here, the details logged
    LOG.exception("the dashboard failed to start")
    st.error(f"conflictmap could not start: {type(exc).__name__}. See the server's log.")
