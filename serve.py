"""The dashboard's server: Streamlit serving app.py behind conflictmap's upload gate.

Run with `make run` (or `streamlit run serve.py`); `streamlit run app.py` also works but
then Streamlit's upload endpoint takes files from any session (see uploadgate.py).
"""

import streamlit as st
from starlette.middleware import Middleware

from conflictmap.maps.archive import archive_route
from conflictmap.memory import hand_back_large_blocks
from conflictmap.uploadgate import UploadGate

hand_back_large_blocks()  # the server builds and drops columns of a million rows

# the route gives the browser a PMTiles basemap archive, if one is set (CONFLICTMAP_TILES)
app = st.App("app.py", middleware=[Middleware(UploadGate)], routes=[archive_route()])
