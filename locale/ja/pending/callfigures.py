# ruff: noqa
# Japanese for the stored call figures (issue 18).
T["stored call figure"] = "保存された公募の集計値"
T["stored call figures"] = "保存された公募の集計値"
T["Japanese PI's h-index"] = "日本側代表者のh-index"
T["partner PI's h-index"] = "相手国側代表者のh-index"
T["stored PI figure"] = "保存された代表者の集計値"
T["stored PI figures"] = "保存された代表者の集計値"
