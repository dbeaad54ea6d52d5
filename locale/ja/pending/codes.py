# ruff: noqa
# Japanese for renaming codes (programs/codes.py, the admin's rename page, the API's 301).
T["A code has letters A-Z, digits, '.', '_' and '-', starting with a letter or digit."] = (
    "コードに使えるのは英字 A-Z、数字、「.」「_」「-」で、先頭は英字か数字です。"
)
T["kind"] = "種類"
T["former code"] = "旧コード"
T["former codes"] = "旧コード"
T["record"] = "レコード"
T["renamed to"] = "新しいコード"
T["renamed at"] = "変更日時"
T["renamed by"] = "変更者"
T["Code renamed from %(old)s"] = "コードを %(old)s から変更"
T["This is the code already."] = "すでにこのコードです。"
T["Another record has this code."] = "このコードは別のレコードが使っています。"
T["This was another record's code, and still leads to it."] = (
    "このコードは別のレコードの旧コードで、今もそのレコードを指しています。"
)
T["new code"] = "新しいコード"
T["Rename"] = "コードを変更"
T["formerly"] = "旧コード"
T["Renamed: %(code)s."] = "コードを変更しました：%(code)s"
T["Rename %(record)s"] = "%(record)s のコード変更"
T["Former codes"] = "旧コード"
T[
    "The code %(code)s names this record in addresses, files and API clients. After the rename it keeps leading here: addresses and the API answer with the new one."
] = (
    "コード %(code)s は、アドレス、ファイル、API クライアントでこのレコードを指しています。"
    "変更後も旧コードはこのレコードを指し、アドレスと API は新しいコードで応答します。"
)
T["The code was renamed: the record is at %(location)s."] = (
    "コードが変更されました。レコードは %(location)s にあります。"
)
