"""What the local stand-ins for outside services share (Crossref, OpenAlex, researchmap,
ORCID): a server on a free local port, answering from recorded responses in tests/data."""

import http.server
import threading


class RecordedAnswers(http.server.BaseHTTPRequestHandler):
    """A handler whose do_GET finds a recorded body and hands it to `answer`."""

    def answer(self, body: bytes | None, missing: tuple[int, bytes] = (404, b"")) -> None:
        """The recorded JSON, or `missing` (status, body) when there is none."""
        status, body = (200, body) if body is not None else missing
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


Server = http.server.ThreadingHTTPServer


def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> tuple[Server, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
