# ruff: noqa
# Japanese for the msgids of issue 17's API (fill_po.py reads T).
T["Enter true, false, 1 or 0."] = "true、false、1、0 のいずれかを入力してください。"
T["Unknown code %(value)s."] = "コード %(value)s は存在しません。"
T["Unknown parameter. Known here: %(known)s."] = (
    "不明なパラメーターです。使えるのは次のとおりです: %(known)s。"
)
T["Unknown ordering. Choose one of: %(choices)s."] = (
    "不明な並び順です。次から選んでください: %(choices)s。"
)
T["Enter a whole number from 1 to %(max)d."] = "1 から %(max)d までの整数を入力してください。"
T["Only staff may read these."] = "職員のみが閲覧できます。"
T["Unknown program."] = "プログラムが存在しません。"
T["A code never changes through the API; staff rename it in the admin."] = (
    "コードは API では変更できません。変更は職員が管理画面で行います。"
)
T["The code %(code)s exists already."] = "コード %(code)s はすでに存在します。"
T["This ORCID's check digit is wrong."] = "この ORCID のチェックディジットが正しくありません。"
