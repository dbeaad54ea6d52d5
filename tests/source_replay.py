"""A local stand-in for researchmap's and ORCID's public APIs, answering with recorded
responses (tests/data/researchmap/<permalink>/<kind>.json, tests/data/orcid/<iD>.json).

researchmap filters by `from_date`/`to_date` itself; the replay does the same with the
recorded items, so that a test sees which window was asked for. `requests` lists the
paths asked, for tests to look at.
"""

import json
import urllib.parse
from pathlib import Path

from tests import replay

DATA = Path(__file__).parent / "data"


class Replay(replay.RecordedAnswers):
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
        self.answer(body)


def _window(recorded: Path, query: dict) -> bytes:
    payload = json.loads(recorded.read_text())
    start, end = query.get("from_date", [""])[0], query.get("to_date", ["9999"])[0]
    items = [
        item
        for item in payload["items"]
        if start <= (item.get("publication_date") or item.get("from_event_date") or "") <= end
    ]
    return json.dumps({**payload, "items": items, "total_items": len(items)}).encode()


def serve():
    return replay.serve(Replay)
