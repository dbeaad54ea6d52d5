# ruff: noqa
# Japanese for the msgids of a program's archive (issue 17; fill_po.py reads T).
T["Aspire: every kind of program %(code)s, as the data stood at %(as_of)s."] = (
    "Aspire: プログラム %(code)s の全種類のデータ（%(as_of)s 時点）。"
)
T[
    "One file a kind, in the columns of the data-exchange contract; importing them in "
    "this order (import_data) fills an empty database."
] = (
    "種類ごとに1ファイル、データ交換仕様の列で書かれています。"
    "この順に取り込む（import_data）と、空のデータベースを満たせます。"
)
T["%(file)s: %(count)d row"] = "%(file)s: %(count)d 行"
T["Left out, as the API does not show them to you: %(kinds)s."] = (
    "API であなたに表示されないため含めていないもの: %(kinds)s。"
)
