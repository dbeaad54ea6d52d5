# ruff: noqa
# Japanese for the lead's msgids of this session (fill_po.py reads T).
T["%(record)s (%(field)s)"] = "%(record)s（%(field)s）"
