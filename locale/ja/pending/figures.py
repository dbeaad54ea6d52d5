# ruff: noqa
# Japanese for the msgids of issue 18's stored figures (fill_po.py reads T).
T["%(count)d stored figure differs from the raw rows."] = (
    "保存された集計値 %(count)d 件が元のデータと一致しません。"
)
T["The stored figures of %(code)s agree with the raw rows."] = (
    "%(code)s の保存された集計値は元のデータと一致しています。"
)
T["International presentations"] = "国際学会発表"
T["Program-funded exchanges"] = "事業の資金による研究者交流"
T["stored output count"] = "保存された成果集計"
T["stored output counts"] = "保存された成果集計"
T["stored paper dates"] = "保存された論文集計"
T["project start"] = "プロジェクト開始日"
T["label"] = "区分"
T["young"] = "若手"
T["count"] = "件数"
T["paper key"] = "論文の識別キー"
T["counted from"] = "計上開始日"
T["reported before a start from"] = "開始前の報告の最初の開始日"
T["reported after a start from"] = "開始後の報告の最初の開始日"
