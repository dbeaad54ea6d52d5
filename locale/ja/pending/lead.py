# ruff: noqa
# Japanese for the lead's msgids of this session (fill_po.py reads T).
T["%(record)s (%(field)s)"] = "%(record)s（%(field)s）"
T["Export the selected %(verbose_name_plural)s"] = (
    "選択された %(verbose_name_plural)s のエクスポート"
)
