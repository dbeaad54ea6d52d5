# ruff: noqa  (a translation table for /work/fill_po.py: T is its dictionary, lines are msgids)
# Japanese for the stored review figures and the partner PI's country (issue 18, item 2).
T["partner country"] = "相手国"
T["%(field)s is %(stored)s where its rows give %(computed)s"] = (
    "%(field)s が %(stored)s ですが、元データからは %(computed)s になります"
)
T["Proposal %(ref)s: %(wrong)s."] = "提案 %(ref)s：%(wrong)s。"
