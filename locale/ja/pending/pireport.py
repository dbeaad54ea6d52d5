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
# The paste-from-Excel grid for events.
T["Event"] = "イベント"
T["kind of event"] = "イベントの種類"
T["A title, a date or the kind of event (workshop, symposium, seminar, lecture tour, other) is missing: correct the row and paste it again."] = "名称、開催日、イベントの種類（ワークショップ、シンポジウム、セミナー、レクチャーツアー、その他）のいずれかがありません。行を直して貼り付け直してください。"
T["Events: kind (workshop, symposium, seminar, lecture tour, other), title, date, country, participants"] = "イベント：種類（ワークショップ、シンポジウム、セミナー、レクチャーツアー、その他）、名称、開催日、国、参加者数"
T["%(count)s participants"] = "参加者 %(count)s 名"
T["journal, conference or kind of event"] = "雑誌名、学会名またはイベントの種類"
T["international (events: country)"] = "国際（イベントは国）"
