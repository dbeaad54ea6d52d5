"""A local stand-in for api.openalex.org's /works that answers with recorded responses:
`?filter=author.orcid:<ORCID>` is answered by tests/data/openalex/<ORCID>.json."""

import http.server
import threading
import urllib.parse
from pathlib import Path

RECORDED = Path(__file__).parent / "data" / "openalex"


class Replay(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        orcid = query.get("filter", [""])[0].removeprefix("author.orcid:")
        recorded = RECORDED / f"{orcid}.json"
        if url.path != "/works" or not orcid or not recorded.is_file():
            self.send_response(200)  # OpenAlex answers an unknown author with no works
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"meta": {"count": 0}, "results": []}')
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
