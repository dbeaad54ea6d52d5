"""A local stand-in for api.crossref.org that answers with recorded responses."""

import urllib.parse
from pathlib import Path

from tests import replay

RECORDED = Path(__file__).parent / "data" / "crossref"


class Replay(replay.RecordedAnswers):
    def do_GET(self) -> None:
        doi = urllib.parse.unquote(self.path.removeprefix("/works/"))
        recorded = RECORDED / (doi.replace("/", "_") + ".json")
        body = recorded.read_bytes() if recorded.is_file() else None
        self.answer(body, missing=(404, b"Resource not found."))


def serve():
    return replay.serve(Replay)
