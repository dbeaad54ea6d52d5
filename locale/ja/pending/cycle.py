# ruff: noqa  (a translation table for /work/fill_po.py: T is its dictionary, lines are msgids)
# Japanese for the staff cycle's fixes (issue 13): the decisions on a PI's proposals on "My projects".
T["Decisions on your proposals"] = "提案の採否のお知らせ"
