"""A local stand-in for researchmap's and ORCID's public APIs, answering with recorded
responses (tests/data/researchmap/<permalink>/<kind>.json, tests/data/orcid/<iD>.json).

researchmap filters by `from_date`/`to_date` itself; the replay does the same with the
recorded items, so that a test sees which window was asked for. `requests` lists the
paths asked, for tests to look at.
"""

import http.server
import json
import threading
import urllib.parse
from pathlib import Path

DATA = Path(__file__).parent / "data"


class Replay(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        Replay.requests.append(self.path)
        parts = url.path.strip("/").split("/")
        if parts[0] == "orcid" and len(parts) == 3:
            recorded = DATA / "orcid" / f"{parts[1]}.json"
            body = recorded.read_bytes() if recorded.is_file() else None
        elif parts[0] == "researchmap" and len(parts) == 3:
            recorded = DATA / "researchmap" / parts[1] / f"{parts[2]}.json"
            body = (
                _window(recorded, urllib.parse.parse_qs(url.query)) if recorded.is_file() else None
            )
        else:
            body = None
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def _window(recorded: Path, query: dict) -> bytes:
    payload = json.loads(recorded.read_text())
    start, end = query.get("from_date", [""])[0], query.get("to_date", ["9999"])[0]
    items = [
        item
        for item in payload["items"]
        if start <= (item.get("publication_date") or item.get("from_event_date") or "") <= end
    ]
    return json.dumps({**payload, "items": items, "total_items": len(items)}).encode()


def serve() -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
