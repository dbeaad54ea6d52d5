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
# Issue 17, stop 21: codes at every door, decision dates, awards, ROR ids.
T["The code %(code)s is another record's."] = "コード %(code)s は別のレコードが使っています。"
T["%(code)s was another record's code, and still leads to it."] = (
    "%(code)s は別のレコードの旧コードで、今もそのレコードを指しています。"
)
T["decided on"] = "決定日"
T["When the proposal was adopted or rejected; empty until it is."] = (
    "採択または不採択が決定した日。決定までは空欄です。"
)
T["institution's ROR id"] = "所属機関の ROR 識別子"
T["The institution in the Research Organization Registry, e.g. 057zh3y96."] = (
    "研究機関レジストリ（ROR）での所属機関の識別子。例: 057zh3y96"
)
T["“%(value)s” is no ROR id, or its check digits are wrong: enter one such as 057zh3y96."] = (
    "「%(value)s」は ROR 識別子ではないか、チェックディジットが正しくありません。057zh3y96 のように入力してください。"
)
T["awarded a fiscal year (yen)"] = "採択時の年度あたり配分額（円）"
T["awarded in all (yen)"] = "採択時の配分総額（円）"
T["Over all the project's fiscal years, as decided at adoption."] = (
    "採択時に決定した、課題の全年度の合計。"
)
T["only an adopted or rejected proposal has a decision date."] = (
    "決定日を持てるのは採択または不採択の課題だけです。"
)
# PUT by natural key (api/views.py, OutputWrites.upsert).
T["Name the row by its key: %(key)s."] = "行をキーで指定してください: %(key)s"
T["Send one row, an object."] = "1 行をオブジェクトとして送ってください。"
T["No row has this key yet: `If-Match` names a version of none."] = (
    "このキーの行はまだありません。`If-Match` はどの行の版も指していません。"
)
