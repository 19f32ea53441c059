"""A FAKE Grafana: only ``GET /api/health``, on loopback (no Grafana server exists here).

It answers as Grafana 10 does: 200 ``{"commit", "database": "ok", "version"}`` when healthy,
503 ``{"database": "failing"}`` when its database is down. Set ``database_ok`` to switch.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGrafana(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _HealthHandler)
        self.database_ok = True
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeGrafana:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()


class _HealthHandler(BaseHTTPRequestHandler):
    server: FakeGrafana

    def do_GET(self) -> None:
        if self.path != "/api/health":
            self._reply(404, {"message": "Not found"})
        elif self.server.database_ok:
            self._reply(200, {"commit": "fake", "database": "ok", "version": "10.4.0"})
        else:
            self._reply(503, {"database": "failing"})

    def _reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read the answers, not an access log."""
