"""Only sessions allowed to upload may send files to the server.

Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<file>``) takes files
for any live session, signed in or not, and keeps them in memory for that session. The
dashboard tells this gate which sessions may upload (an editor signed in, or anyone on
an open dashboard, which serves this computer only); ``UploadGate``, an ASGI middleware
in front of Streamlit (``serve.py``), answers 403 to every other upload from its headers
alone, before a byte of the body is read.
"""

from __future__ import annotations

import logging
import re
import threading

LOG = logging.getLogger(__name__)
_UPLOAD = re.compile(r"/_stcore/upload_file/([^/]+)/")


class Uploaders:
    """The sessions that may upload (thread-safe: the app's script threads write it)."""

    def __init__(self) -> None:
        self._sessions: set[str] = set()
        self._lock = threading.Lock()

    def allow(self, session_id: str) -> None:
        with self._lock:
            self._sessions.add(session_id)

    def revoke(self, session_id: str) -> None:
        with self._lock:
            self._sessions.discard(session_id)

    def may_upload(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._sessions


UPLOADERS = Uploaders()


class UploadGate:
    """ASGI middleware: an upload for a session not allowed to upload gets 403 at once."""

    def __init__(self, app, uploaders: Uploaders = UPLOADERS) -> None:
        self.app = app
        self.uploaders = uploaders

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("PUT", "POST"):
            found = _UPLOAD.search(scope.get("path", ""))
            if found and not self.uploaders.may_upload(found.group(1)):
                LOG.warning(
                    "refused an upload for session %s: not signed in as an editor",
                    found.group(1)[:40],
                )
                await _refuse(send)
                return
        await self.app(scope, receive, send)


async def _refuse(send) -> None:
    body = b"Uploads need an editor signed in to this session."
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
