"""Who is using the dashboard: open on this computer only with no users file, else the
sign-in form and nothing else until someone signs in; the upload gate follows.
"""

from __future__ import annotations

import streamlit as st

from conflictmap import (
    auth,
)
from conflictmap.errors import ConflictmapError
from conflictmap.text import plain
from conflictmap.ui import keys
from conflictmap.uploadgate import UPLOADERS


def sign_in(settings, words) -> auth.User:
    """The signed-in user; the sign-in form (and nothing else) until there is one."""
    _ = words
    users = auth.load_users(settings.users_file)
    if not users:
        address = st.get_option("server.address")
        if not auth.serves_only_this_computer(address):
            st.error(
                plain(
                    _(
                        "No sign-in is configured, so conflictmap serves this computer only, "
                        "but it was started on address {address}. Start it with "
                        "--server.address 127.0.0.1, or add users (`conflictmap user add NAME "
                        "--role editor`) before serving others.",
                        address=address or _("all interfaces"),
                    )
                )
            )
            st.stop()
        st.sidebar.caption(_("Open access on this computer only: no sign-in is configured."))
        return auth.OPEN
    user = users.get(signed_in_name())
    if user is not None:
        st.sidebar.caption(
            plain(_("Signed in as {name} ({role})", name=user.name, role=_(user.role)))
        )
        if st.sidebar.button(_("Sign out")):
            st.session_state.pop(keys.SIGNED_IN, None)
            allow_uploads(False)
            st.rerun()
        return user
    st.title("conflictmap")
    with st.form("sign-in"):
        name = st.text_input(_("Name"))
        password = st.text_input(_("Password"), type="password")
        if st.form_submit_button(_("Sign in"), type="primary"):
            try:
                found = auth.sign_in(users, name, password, st.context.ip_address or "")
            except ConflictmapError as exc:
                st.error(plain(words.message(exc)))
                st.stop()
            if found is None:
                st.error(_("Wrong name or password."))
            else:
                st.session_state[keys.SIGNED_IN] = auth.SignedIn(found.name)
                st.rerun()
    st.stop()


def allow_uploads(may: bool) -> None:
    """Tell the upload gate (serve.py) whether this session may send files."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if (ctx := get_script_run_ctx()) is None:
        return
    if may:
        UPLOADERS.allow(ctx.session_id)
    else:
        UPLOADERS.revoke(ctx.session_id)


def signed_in_name() -> str:
    """Who signed in to this session ("" if nobody): only a value this server put there
    counts, never a string a client forged as widget state under that key."""
    try:
        held = st.session_state.get(keys.SIGNED_IN)
    except Exception:  # a forged widget state Streamlit cannot read back
        return ""
    return held.name if isinstance(held, auth.SignedIn) else ""
