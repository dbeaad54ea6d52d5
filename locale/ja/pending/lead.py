# ruff: noqa
# Japanese for the lead's msgids of this session (fill_po.py reads T).
T["%(record)s (%(field)s)"] = "%(record)s（%(field)s）"
T["Export the selected %(verbose_name_plural)s"] = (
    "選択された %(verbose_name_plural)s のエクスポート"
)
T["The project %(project)s has no report of fiscal year %(year)s."] = (
    "研究課題 %(project)s には %(year)s 年度の報告書がありません。"
)
T["This output is there already (id %(id)s): change it with PUT at its address."] = (
    "この成果は既に登録されています（id %(id)s）。変更はそのアドレスへの PUT で行ってください。"
)
T["A download holds every row: it has no pages."] = (
    "ダウンロードはすべての行を含みます。ページはありません。"
)
T["Survey gains per project; groups under three people show a count only."] = (
    "プロジェクトごとの調査の伸び。3人未満のグループは人数のみを示します。"
)
