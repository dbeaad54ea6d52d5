# ruff: noqa
# Japanese for the msgids of issue 12's limits and import jobs (fill_po.py reads T).
T["The file is %(size)s; at most %(limit)s may be imported at once."] = (
    "ファイルは %(size)s です。一度に取り込めるのは %(limit)s までです。"
)
T[
    "The workbook unpacks to %(size)s; at most %(limit)s may be imported at once. Split it into smaller files."
] = "このブックは展開すると %(size)s になります。一度に取り込めるのは %(limit)s までです。小さなファイルに分けてください。"
T[
    "The workbook's part %(name)s unpacks %(ratio)d times larger than it is stored, which no spreadsheet does (at most %(limit)d times): it is refused as a zip bomb."
] = "ブックの部品 %(name)s は格納サイズの %(ratio)d 倍に展開されます。通常の表計算ファイルではありえない比率（上限 %(limit)d 倍）のため、zip爆弾として受け付けません。"
T["The file has more than %(limit)s rows; split it into smaller files."] = (
    "ファイルの行数が %(limit)s 行を超えています。小さなファイルに分けてください。"
)
T[
    "The file has more than %(limit)s cells; split it into smaller files (or remove the blank columns at its right)."
] = "ファイルのセル数が %(limit)s を超えています。小さなファイルに分けてください（右側の空の列を削除してください）。"
T["Line %(number)d of the file is longer than %(limit)s characters."] = (
    "ファイルの %(number)d 行目が %(limit)s 文字を超えています。"
)
T[
    "%(count)d of your imports are still running, and at most %(limit)d may run at a time: wait until one is done, then upload the file again."
] = "あなたの取り込みが %(count)d 件実行中です。同時に実行できるのは %(limit)d 件までです。終わるのを待ってから、もう一度ファイルをアップロードしてください。"
T["The import stopped %(count)d times before it finished; try again."] = (
    "取り込みが完了前に %(count)d 回停止しました。もう一度お試しください。"
)
T["The import stopped with an error; try again."] = (
    "取り込みがエラーで停止しました。もう一度お試しください。"
)
T["This import is still running."] = "この取り込みはまだ実行中です。"
T["Importing %(name)s"] = "%(name)s を取り込み中"
T["kind"] = "種類"
T["file name"] = "ファイル名"
T["file"] = "ファイル"
T["requested by"] = "依頼者"
T["preview"] = "プレビュー"
T["since"] = "基準日時"
T["confirmed"] = "確定済み"
T["result"] = "結果"
T["finished at"] = "完了日時"
T["import job"] = "取り込みジョブ"
T["import jobs"] = "取り込みジョブ"
T["… and %(counter)s more problem."] = "…ほか %(counter)s 件の問題があります。"
T["The import stopped before it finished."] = "取り込みは完了前に停止しました。"
T["Try again"] = "再試行"
T["%(done)s of %(total)s rows"] = "%(total)s 行中 %(done)s 行"
T["{done} of {total} rows"] = "{total} 行中 {done} 行"
T["Reading the file…"] = "ファイルを読み込んでいます…"
T["Waiting for its turn…"] = "順番を待っています…"
T["Refresh"] = "更新"
T["The file is being checked: nothing is written until you confirm."] = (
    "ファイルを確認しています。確定するまで何も書き込まれません。"
)
T["The file is being imported: all of it, or nothing if any row has a problem."] = (
    "ファイルを取り込んでいます。すべての行を取り込むか、問題のある行が一つでもあれば何も取り込みません。"
)
T["Back to the report"] = "報告書に戻る"
T[
    "The file is being imported into your report: all of it, or nothing if any row has a problem."
] = "ファイルを報告書に取り込んでいます。すべての行を取り込むか、問題のある行が一つでもあれば何も取り込みません。"
