# ruff: noqa
# fmt: off
# Japanese for the msgids of issue 15's remainder (pireport): the report page's history of changes.
T["the report"] = "報告書"
T["%(kind)s “%(name)s”"] = "%(kind)s「%(name)s」"
T["report opened"] = "報告書を作成"
T["%(row)s added"] = "%(row)sを追加"
T["%(row)s removed"] = "%(row)sを削除"
T["%(row)s changed"] = "%(row)sを変更"
T["Older changes not shown: %(count)s."] = "表示していない以前の変更：%(count)s 件。"
