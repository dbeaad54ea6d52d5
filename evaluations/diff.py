"""Two texts side by side with what differs: for a committee text both editors changed."""

import difflib


def segments(theirs: str, yours: str) -> list[tuple[str, str]]:
    """(kind, text) pieces of the change from theirs to yours, character by character (a
    Japanese sentence has no spaces to split words at): kind is "same", "theirs" (only in
    theirs: gone from yours) or "yours" (only in yours)."""
    theirs, yours = str(theirs or ""), str(yours or "")
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, theirs, yours, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("same", theirs[a0:a1]))
            continue
        if a1 > a0:
            pieces.append(("theirs", theirs[a0:a1]))
        if b1 > b0:
            pieces.append(("yours", yours[b0:b1]))
    return pieces


def conflict_diffs(conflict) -> list[dict]:
    """Per field of an aspire.versions.EditConflict: its label and the pieces."""
    return [
        {"label": item.label, "segments": segments(item.theirs, item.yours)}
        for item in conflict.conflicts
        if isinstance(item.theirs, str) or isinstance(item.yours, str)
    ]
