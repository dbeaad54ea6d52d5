# ruff: noqa
T["(withheld)"] = "（非開示）"
