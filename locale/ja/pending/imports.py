# ruff: noqa
# fmt: off
# Japanese for the msgids of issue 12's items 3-4 (imports): import jobs in the admin.
T["progress"] = "進捗"
T["rows written"] = "書き込んだ行数"
T["page"] = "ページ"
T["The job's page"] = "ジョブのページ"
T["Only the person who started it sees its page."] = "このジョブのページは、取り込みを始めた本人だけが見られます。"
