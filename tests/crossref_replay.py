"""A local stand-in for api.crossref.org that answers with recorded responses."""

import http.server
import threading
import urllib.parse
from pathlib import Path

RECORDED = Path(__file__).parent / "data" / "crossref"


class Replay(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        doi = urllib.parse.unquote(self.path.removeprefix("/works/"))
        recorded = RECORDED / (doi.replace("/", "_") + ".json")
        if not recorded.is_file():
            self.send_response(404)
            self.end_headers()
            self.wfile.write(b"Resource not found.")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(recorded.read_bytes())

    def log_message(self, *args) -> None:
        pass


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
