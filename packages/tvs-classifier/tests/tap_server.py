"""A TAP service on 127.0.0.1 for the tests: real HTTP, UWS async jobs, VOTable answers.

It speaks the parts of TAP 1.1 / UWS 1.1 that pyvo uses: ``POST /async`` creates a job
(303 to the job), ``GET /async/<id>`` (with ``WAIT``) returns the UWS job document,
``POST /async/<id>/phase`` with ``PHASE=RUN`` runs it, ``GET
/async/<id>/results/result`` returns the VOTable, ``DELETE /async/<id>`` removes it;
``POST /sync`` answers at once; ``GET /capabilities`` (public) describes the service.
Queries are answered from tables held in memory, in the
schema of Rubin DP1 (`TapServer.tables`), by the one query shape the package sends:
``SELECT <columns> FROM dp1.<Table> AS s [JOIN dp1.Visit AS v ...] WHERE s.<id> IN
(...)``; a joined Visit column is held on the source table itself.

Failure modes, for the error tests: ``token`` (a bearer token every request must carry,
else 401), ``fail`` (every job submission answers 500), ``error`` (jobs end in phase
ERROR with this message), ``hang`` (jobs stay EXECUTING).
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import numpy as np
from astropy.io.votable import from_table
from astropy.table import Table

UWS = "http://www.ivoa.net/xml/UWS/v1.0"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_QUERY = re.compile(
    r"^SELECT (?P<columns>.+?) FROM dp1\.(?P<table>\w+) AS s\b.*?"
    r"WHERE s\.(?P<id>\w+) IN \((?P<ids>[\d, ]+)\)",
    re.DOTALL,
)


class TapServer:
    """A threaded TAP server on 127.0.0.1 at an ephemeral port (a context manager)."""

    def __init__(self, tables: dict[str, Table], *, token: str | None = None):
        self.tables = tables
        self.token = token
        self.fail = False
        self.error: str | None = None
        self.hang = False
        self.jobs: dict[str, dict] = {}
        self.queries: list[str] = []
        self.deleted: list[str] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The service's base URL (as the RSP's, ending in ``/api/tap``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/api/tap"

    def __enter__(self) -> TapServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, query: str) -> bytes:
        """The VOTable answering ``query`` (only the shape the package sends)."""
        match = _QUERY.match(" ".join(query.split()))
        if match is None:
            raise ValueError(f"this test service cannot answer {query!r}")
        table = self.tables[match["table"]]
        ids = [int(value) for value in match["ids"].split(",")]
        rows = table[np.isin(table[match["id"]], ids)]
        names = []
        for item in match["columns"].split(","):
            expression, _, alias = item.strip().partition(" AS ")
            names.append((expression.split(".")[-1], alias or expression.split(".")[-1]))
        out = Table([rows[source] for source, _ in names], names=[alias for _, alias in names])
        buffer = io.BytesIO()
        from_table(out).to_xml(buffer)
        return buffer.getvalue()

    def job_xml(self, job_id: str) -> bytes:
        """The UWS 1.1 document of a job."""
        job = self.jobs[job_id]
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        results = ""
        if job["phase"] == "COMPLETED":
            href = f"{self.url}/async/{job_id}/results/result"
            results = f'<uws:result id="result" xlink:href="{href}"/>'
        error = ""
        if job["phase"] == "ERROR":
            error = (
                '<uws:errorSummary type="fatal" hasDetail="false">'
                f"<uws:message>{escape(job['message'])}</uws:message></uws:errorSummary>"
            )
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<uws:job xmlns:uws="{UWS}" xmlns:xlink="{XLINK}" xmlns:xsi="{XSI}" '
            'version="1.1">'
            f"<uws:jobId>{job_id}</uws:jobId><uws:ownerId>tester</uws:ownerId>"
            f"<uws:phase>{job['phase']}</uws:phase>"
            f"<uws:creationTime>{now}</uws:creationTime>"
            '<uws:startTime xsi:nil="true"/><uws:endTime xsi:nil="true"/>'
            "<uws:executionDuration>600</uws:executionDuration>"
            '<uws:destruction xsi:nil="true"/>'
            '<uws:parameters><uws:parameter id="query">'
            f"{escape(job['query'])}</uws:parameter></uws:parameters>"
            f"<uws:results>{results}</uws:results>{error}</uws:job>"
        )
        return text.encode()

    def capabilities_xml(self) -> bytes:
        """The VOSI capabilities document (TAP with ADQL 2.0), which pyvo reads first."""
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0" '
            f'xmlns:xsi="{XSI}" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" '
            'xmlns:tr="http://www.ivoa.net/xml/TAPRegExt/v1.0">'
            '<capability standardID="ivo://ivoa.net/std/TAP" xsi:type="tr:TableAccess">'
            '<interface xsi:type="vs:ParamHTTP" role="std">'
            f'<accessURL use="base">{self.url}</accessURL></interface>'
            '<language><name>ADQL</name><version ivo-id="ivo://ivoa.net/std/ADQL#v2.0">'
            "2.0</version></language>"
            "<outputFormat><mime>application/x-votable+xml</mime></outputFormat>"
            "</capability></vosi:capabilities>"
        )
        return text.encode()

    def run(self, job_id: str) -> None:
        """Run a job now: COMPLETED with its answer, or ERROR, or left EXECUTING."""
        job = self.jobs[job_id]
        if self.hang:
            job["phase"] = "EXECUTING"
        elif self.error is not None:
            job.update(phase="ERROR", message=self.error)
        else:
            job.update(phase="COMPLETED", result=self.answer(job["query"]))


class _QuietServer(ThreadingHTTPServer):
    """Threads as daemons; a client that hangs up (pyvo after a timeout) is not an error."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(server: TapServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes = b"", kind: str = "text/xml", **headers):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _authorized(self) -> bool:
            if server.token is None:
                return True
            if self.headers.get("Authorization") == f"Bearer {server.token}":
                return True
            self._send(401, b"Unauthorized", "text/plain", **{"WWW-Authenticate": "Bearer"})
            return False

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            data = parse_qs(self.rfile.read(length).decode())
            return {key.upper(): values[-1] for key, values in data.items()}

        def _parts(self) -> list[str]:
            path = urlparse(self.path).path
            prefix = urlparse(server.url).path
            return path[len(prefix) :].strip("/").split("/") if path.startswith(prefix) else []

        def do_POST(self) -> None:
            if not self._authorized():
                return
            parts, form = self._parts(), self._form()
            if parts == ["sync"]:
                server.queries.append(form["QUERY"])
                return self._send(200, server.answer(form["QUERY"]), "application/x-votable+xml")
            if parts == ["async"]:
                if server.fail:
                    return self._send(500, b"Internal Server Error", "text/plain")
                with server._lock:
                    job_id = str(next(server._ids))
                    server.jobs[job_id] = {"phase": "PENDING", "query": form["QUERY"]}
                server.queries.append(form["QUERY"])
                return self._send(303, Location=f"{server.url}/async/{job_id}")
            if len(parts) == 3 and parts[0] == "async" and parts[2] == "phase":
                if parts[1] not in server.jobs:
                    return self._send(404, b"no such job", "text/plain")
                if form.get("PHASE") == "RUN":
                    server.run(parts[1])
                return self._send(303, Location=f"{server.url}/async/{parts[1]}")
            self._send(404, b"not found", "text/plain")

        def do_GET(self) -> None:
            parts = self._parts()
            if parts == ["capabilities"]:  # public, as on the RSP
                return self._send(200, server.capabilities_xml())
            if not self._authorized():
                return
            if len(parts) >= 2 and parts[0] == "async" and parts[1] in server.jobs:
                job = server.jobs[parts[1]]
                if len(parts) == 2:
                    return self._send(200, server.job_xml(parts[1]))
                if parts[2:] == ["results", "result"] and "result" in job:
                    return self._send(200, job["result"], "application/x-votable+xml")
            self._send(404, b"not found", "text/plain")

        def do_DELETE(self) -> None:
            if not self._authorized():
                return
            parts = self._parts()
            if len(parts) == 2 and parts[0] == "async" and server.jobs.pop(parts[1], None):
                server.deleted.append(parts[1])
                return self._send(303, Location=f"{server.url}/async")
            self._send(404, b"not found", "text/plain")

    return Handler
