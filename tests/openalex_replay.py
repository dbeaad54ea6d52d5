"""A local stand-in for api.openalex.org's /works that answers with recorded responses:
`?filter=author.orcid:<ORCID>` is answered by tests/data/openalex/<ORCID>.json."""

import urllib.parse
from pathlib import Path

from tests import replay

RECORDED = Path(__file__).parent / "data" / "openalex"


class Replay(replay.RecordedAnswers):
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        orcid = query.get("filter", [""])[0].removeprefix("author.orcid:")
        recorded = RECORDED / f"{orcid}.json"
        found = url.path == "/works" and orcid and recorded.is_file()
        # OpenAlex answers an unknown author with no works, not with a 404.
        self.answer(recorded.read_bytes() if found else None, missing=(200, NO_WORKS))


NO_WORKS = b'{"meta": {"count": 0}, "results": []}'


def serve():
    return replay.serve(Replay)
