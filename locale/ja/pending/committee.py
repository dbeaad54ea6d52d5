# ruff: noqa (a table of translations for fill_po.py: T is its dict)
T["S (excellent)"] = "Ｓ（大変優れている）"
T["A (very good)"] = "Ａ（優れている）"
T["B (adequate)"] = "Ｂ（妥当である）"
T["C (somewhat insufficient)"] = "Ｃ（やや不十分である）"
T["[No English text yet; the Japanese text follows.]"] = (
    "［英語の文章は未入力のため、日本語の文章を示す。］"
)
T["the program's operating policy"] = "事業の運用基本方針"
T[
    "Under the %(policy)s (revised on %(revised)s), %(agency)s established an evaluation committee to carry out the program's evaluation. (Attachment 1)"
] = "%(policy)s（%(revised)s改正）のもと、%(agency)sが事業中間評価を行う評価委員会を設置した。（別紙１）"
T[
    "Under the %(policy)s, %(agency)s established an evaluation committee to carry out the program's evaluation. (Attachment 1)"
] = "%(policy)sのもと、%(agency)sが事業中間評価を行う評価委員会を設置した。（別紙１）"
T[
    "Goals and evaluation indicators were set on the basis of the same operating policy. (Attachment 2)"
] = "同運用基本方針をもとに、目標および評価指標が設定された。（別紙２）"
T["Measured figures as of %(as_of)s"] = "%(as_of)s時点の実績値"
T["expected by now"] = "現時点の目安"
T["pace"] = "進捗"
T["ahead of pace"] = "目標を上回る進捗"
T["behind pace"] = "目標を下回る進捗"
T[
    "On the basis of the goals and evaluation indicators, the program was graded on four levels: S (excellent), A (very good), B (adequate) and C (somewhat insufficient). The overall grade and comments are as follows."
] = "目標および評価指標を踏まえ、「Ｓ：大変優れている」「Ａ：優れている」「Ｂ：妥当である」「Ｃ：やや不十分である」の４段階にて評価した。総合評価および講評は以下の通りである。"
T["End of document"] = "以上"
T["Attachment 1"] = "別紙１"
T["Attachment 2"] = "別紙２"
T["Attachment 3"] = "別紙３"
T["Evaluation committee members"] = "評価委員会 委員名簿"
T["Committee chair"] = "評価委員長"
T["Committee members (in Japanese syllabary order)"] = "評価委員（50音順）"
T["Goals and evaluation indicators"] = "目標および評価指標"
T[
    "The goals and evaluation indicators were set as follows on the basis of the %(policy)s (revised on %(revised)s; excerpt below)."
] = "%(policy)s（%(revised)s改正、以下に抜粋）をもとに目標および評価指標が以下の通り設定された。"
T[
    "The goals and evaluation indicators were set as follows on the basis of the %(policy)s (excerpt below)."
] = "%(policy)s（以下に抜粋）をもとに目標および評価指標が以下の通り設定された。"
T["“"] = "「"
T["”"] = "」"
T["Evaluation indicators"] = "評価指標"
T["Opinions of the committee members"] = "各委員意見"
T["Overall grade: %(grade)s"] = "総合評価：%(grade)s"
T["Comments:"] = "講評："
