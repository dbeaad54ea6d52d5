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
T["Finalise and freeze the figures…"] = "確定して数値を固定する…"
T["Finalise the evaluation"] = "評価の確定"
T[
    "Finalising freezes everything below. Nobody can change it afterwards; only staff can reopen the evaluation, giving a reason."
] = "確定すると以下のすべてが固定され、以後だれも変更できません。評価を再開できるのは事務局のみで、理由の記録が必要です。"
T["The %(count)s figures as of %(as_of)s, with their targets and pace."] = (
    "%(as_of)s時点の%(count)s件の数値（目標と進捗を含む）。"
)
T["assessment and future directions, in Japanese and English"] = (
    "評価と今後の方向性（日本語・英語）"
)
T["%(counter)s opinion of the members"] = "委員意見 %(counter)s 件"
T["The committee"] = "委員会"
T["Finalise and freeze"] = "確定して固定する"
T["Cancel"] = "キャンセル"
T["only the committee's chair finalises, on the evaluation's page."] = (
    "確定できるのは委員長のみです（評価のページから）。"
)
T["role"] = "役割"
T["name"] = "氏名"
T["affiliation and title"] = "所属・役職"
T["goal"] = "目標"
T["position"] = "順番"
T["opinion"] = "意見"
T["Calls"] = "公募"
T["kind"] = "種別"
T["opened"] = "公募開始日"
T["received"] = "提案数"
T["adopted"] = "採択数"
T["adoption rate (%)"] = "採択率（%）"
T["adoptable"] = "採択可"
T["adoptable but not adopted"] = "採択可だが不採択"
T["Stays"] = "滞在"
T["stay (days)"] = "滞在日数"
T["stays"] = "件数"
T["purpose of stays of 7 days or less"] = "7日以内の滞在の目的"
T["Buy-out"] = "バイアウト"
T["used"] = "活用あり"
T["not used"] = "活用なし"
T["not answered"] = "未回答"
T["reason for not using it"] = "活用しない理由"
T["reports"] = "報告書数"
T["Travel"] = "渡航費"
T["fiscal year"] = "年度"
T["trips"] = "渡航件数"
T["cost (yen)"] = "費用（円）"
T["cost per trip (yen)"] = "1件あたりの費用（円）"
T["what differs (struck out: only in theirs; underlined: only in yours)"] = (
    "相違点（取り消し線：相手の文章のみ、下線：あなたの文章のみ）"
)
T["Up"] = "上へ"
T["Down"] = "下へ"
T["Edit my opinion"] = "自分の意見を編集"
T["opinion (English)"] = "意見（英語）"
T["assessment (English)"] = "評価（英語）"
T["future directions (English)"] = "今後の方向性（英語）"
T["overall comment (English)"] = "講評（英語）"
T["Per project"] = "課題ごと"
T["project"] = "課題"
T["rows"] = "件数"
T["What it counts"] = "数えている記録"
T["The program shows the committee how many, not which."] = (
    "事業の方針により、委員会には件数のみを示します。"
)
T["Titles only: the program shows the committee no names."] = (
    "課題名のみ：事業の方針により、氏名は示しません。"
)
T["The first %(shown)s rows are shown."] = "最初の%(shown)s件を表示しています。"
T["What it leaves out, and why"] = "除外している記録とその理由"
T["row"] = "記録"
T["why"] = "理由"
T["starts after the as-of date"] = "基準日より後に開始"
T["opened by the as-of date"] = "基準日までに公募開始済み"
T["not opened by the as-of date"] = "基準日までに公募未開始"
T["withdrawn"] = "取り下げ"
T["closed before the as-of date"] = "基準日より前に閉鎖"
T["its project starts after the as-of date"] = "課題の開始が基準日より後"
T["its report is not handed in (draft or returned)"] = "報告書が未提出（下書きまたは差し戻し）"
T["dated before its project's start"] = "課題開始前の日付"
T["dated after the as-of date"] = "基準日より後の日付"
T["unfunded adoptable proposals shown to the committee"] = "委員会に示す採択可だが不採択の提案"
T["Counts only"] = "件数のみ"
T["Titles, without names"] = "課題名（氏名なし）"
T["Added each fiscal year, and the change on the year before"] = "年度ごとの増加数と前年度比"
T["Added each fiscal year"] = "年度ごとの増加数"
T["definition"] = "定義"
T["You have unsaved changes. Leave the page anyway?"] = (
    "保存していない変更があります。このページを離れますか？"
)
T["Save all texts"] = "すべての文章を保存"
T["Unsaved changes"] = "未保存の変更があります"
T["Invite: an account and a set-password mail"] = (
    "招待：アカウントを作成しパスワード設定のメールを送る"
)
T["%(count)d invitation sent."] = "%(count)d 件の招待を送信しました。"
T["Enter the member's e-mail address first."] = "先に委員のメールアドレスを入力してください。"
T["Invitation to the evaluation committee: %(evaluation)s"] = "評価委員会へのご案内：%(evaluation)s"
T[
    "Dear %(name)s,\n\nYou have a seat on the committee of %(evaluation)s. Choose your password here:\n\n%(link)s\n\nThen sign in with your e-mail address; you will be asked to set up a second factor (an authenticator app). On the evaluation's page you write and edit your own opinions.\n"
] = "%(name)s 様\n\n%(evaluation)s の評価委員会の委員としてご登録しました。以下のリンクからパスワードを設定してください。\n\n%(link)s\n\nその後、メールアドレスでサインインしてください。二要素認証（認証アプリ）の設定を求められます。評価のページでご自身の意見を記入・編集できます。\n"
T["e-mail"] = "メールアドレス"
T["baseline"] = "基準値"
T["baseline fiscal year"] = "基準年度"
T["title (Japanese)"] = "表題（日本語）"
T["title (English)"] = "表題（英語）"
T["committee (Japanese)"] = "委員会名（日本語）"
T["committee (English)"] = "委員会名（英語）"
T["opening paragraph (Japanese)"] = "冒頭の文章（日本語）"
T["opening paragraph (English)"] = "冒頭の文章（英語）"
T["operating policy (Japanese)"] = "運用基本方針（日本語）"
T["operating policy (English)"] = "運用基本方針（英語）"
T["operating policy revised on"] = "運用基本方針の改正日"
T["policy excerpt (Japanese)"] = "運用基本方針の抜粋（日本語）"
T["policy excerpt (English)"] = "運用基本方針の抜粋（英語）"
T["program goal"] = "事業の目標"
T["program goals"] = "事業の目標"
T["number"] = "番号"
T["title in the policy (Japanese)"] = "運用基本方針での表記（日本語）"
T["title in the policy (English)"] = "運用基本方針での表記（英語）"
T["evaluation indicators (Japanese), one a line"] = "評価指標（日本語、1行に1つ）"
T["evaluation indicators (English), one a line"] = "評価指標（英語、1行に1つ）"
T[
    "From the annual reports handed in (submitted or accepted) of the projects started by the as-of date; dated from the project's own start to the as-of date."
] = "基準日までに開始した課題の提出済み（提出・受理）の年次報告から、課題の開始日から基準日までの日付のもの。"
T["Proposals to the program's calls opened by the as-of date, withdrawn ones excluded."] = (
    "基準日までに開始した本事業の公募への提案（取り下げを除く）。"
)
T[
    "Lab-wide figures (the program's or not) from the reports handed in, over the projects that have both the fiscal year before their start and a year since: the sum of those years' values."
] = "提出済みの報告による研究室全体の数値（本事業以外も含む）。開始前年度と開始後の年度の両方の値がある課題について、それぞれの合計。"
T[
    "People of the started projects who answered the survey both before and after their stay; the mean of after minus before, on the 1–5 scale."
] = "開始済みの課題で、渡航前と渡航後の両方の調査に回答した人。1〜5の尺度での渡航後と渡航前の差の平均。"
T["Bilateral joint calls of the program opened by the as-of date."] = (
    "基準日までに開始した二国間の共同公募。"
)
T["Multilateral alignment calls opened by the as-of date."] = (
    "基準日までに開始した多国間のアライメント公募。"
)
T["Calls of the program without an opening date or opening later."] = (
    "公募開始日が未定または基準日より後の公募。"
)
T["Distinct non-Japanese funding agencies taking part in the calls opened by the as-of date."] = (
    "基準日までに開始した公募に参加した日本以外のFA（重複なし）。"
)
T["Distinct countries of those partner agencies."] = "それらの相手国FAの国（重複なし）。"
T["Adopted proposals to calls opened by the as-of date; PIs without an h-index are left out."] = (
    "基準日までに開始した公募の採択課題。h-indexのない代表者は除く。"
)
T["Projects of the program started on or before the as-of date."] = (
    "基準日までに開始した本事業の課題。"
)
T[
    "Distinct papers (same DOI, or same title without one) flagged international co-authored in the reports handed in, counted once if one project reports it dated on or after its start."
] = "提出済みの報告で国際共著とされた論文（同じDOI、DOIがなければ同じ題名は1件）。いずれかの課題が開始日以降の日付で報告していれば1件と数える。"
T[
    "International co-authored papers reported only with dates before their project's start: shown apart, never added in."
] = "課題開始前の日付でのみ報告された国際共著論文。別に示し、合計には含めない。"
T["Hubs of the started projects established by the as-of date and not closed before it."] = (
    "開始済みの課題の拠点で、基準日までに設置され、基準日より前に閉鎖されていないもの。"
)
T[
    "Program-funded dispatches in the project window that ended by the as-of date; a stay is end minus start plus one day."
] = "課題期間内に始まり基準日までに終了した本事業経費による派遣。滞在日数は終了日−開始日＋1日。"
T["Young: students, postdocs and early-career researchers."] = "若手：学生、ポスドク、若手研究者。"
T["Conference presentations flagged international."] = "国際会議とされた学会発表。"
T["Program-funded stays of visitors from abroad, by start date."] = (
    "本事業経費による海外からの受け入れ（開始日で判定）。"
)
T["Program-funded stays abroad, by start date."] = "本事業経費による海外派遣（開始日で判定）。"
T["Program-funded stays abroad of young researchers, by start date."] = (
    "本事業経費による若手研究者の海外派遣（開始日で判定）。"
)
T["Program-funded stays of young visitors from abroad, by start date."] = (
    "本事業経費による海外からの若手研究者の受け入れ（開始日で判定）。"
)
T["Events of this kind held."] = "この種別のイベントの開催。"
T["Workshops, symposia, seminars, lecture tours and other events held."] = (
    "ワークショップ、シンポジウム、セミナー、レクチャーツアー等の開催。"
)
# Drill-downs for every figure (lab-wide sums, partner countries, h-index medians)
T["adopted (✓)"] = "採択（✓）"
T["days (✓: %(days)d or fewer)"] = "日数（✓：%(days)d日以内）"
T["after − before"] = "渡航後 − 渡航前"
T["a Japanese agency, not a partner"] = "日本のFAのため相手国FAではない"
T["takes part only in calls not opened by the as-of date"] = (
    "基準日までに開始していない公募にのみ参加"
)
T["no partner PI is named"] = "相手側研究代表者が登録されていない"
T["the PI's h-index is not known"] = "研究代表者のh-indexが不明"
T["the value of the other side (before / after)"] = "もう一方（事業開始前／直近年度）の値"
T["a fiscal year after the as-of date's"] = "基準日の年度より後の年度"
T["earlier than the fiscal year just before the start"] = "開始前年度より前の年度"
T["its project has no value for the year before its start: it adds to neither side"] = (
    "課題に開始前年度の値がないため、どちらの合計にも含めない"
)
T["its project has no value from its start year on: it adds to neither side"] = (
    "課題に開始年度以降の値がないため、どちらの合計にも含めない"
)
T["an earlier year's value: the latest year counts"] = "以前の年度の値（直近年度の値を数える）"
T["%(count)d row: the figure is their number."] = "%(count)d件：その件数が値である。"
T["%(count)d row: the figure is the number of different values of “%(column)s”."] = (
    "%(count)d件：「%(column)s」の異なる値の数が値である。"
)
T["%(count)d row, one a project: the figure is the sum of “%(column)s”."] = (
    "%(count)d件（１課題１件）：「%(column)s」の合計が値である。"
)
T[
    "%(count)d row in order of “%(column)s”: the figure is the median, the marked row (or the mean of the two marked rows)."
] = "%(count)d件（「%(column)s」の順）：中央値（強調した行、または強調した２行の平均）が値である。"
T["%(count)d row: the figure is the share (%%) of them marked in “%(column)s”."] = (
    "%(count)d件：そのうち「%(column)s」に印のあるものの割合（%%）が値である。"
)
T["%(count)d row: the figure is the mean of “%(column)s”."] = (
    "%(count)d件：「%(column)s」の平均が値である。"
)
T["Per country"] = "国ごと"
T["← the median"] = "← 中央値"
T["Rows %(first)s–%(last)s of %(count)s are shown."] = (
    "全%(count)s件のうち%(first)s〜%(last)s件目を表示している。"
)
T[
    "A row is an adopted proposal with its PI's h-index as recorded now: a PI of two adopted proposals counts twice, as in the figure."
] = "１行は採択課題１件で、代表者の現在登録されているh-indexを示す。２件の採択課題の代表者は、値と同じく２回数える。"
T[
    "A row is a project that has both values: its value of the fiscal year just before its start (before), or of its latest year up to the as-of date (after)."
] = "１行は両方の値がある課題１件で、開始前年度の値（事業開始前）または基準日までの直近年度の値（直近年度）を示す。"
T["A row is a partner agency of an opened call; the figure counts their countries."] = (
    "１行は開始済みの公募に参加する相手国FA１機関で、値はその国の数である。"
)
# Travel cost per trip over time
T["Yen per trip in the year"] = "当該年度の１回あたりの旅費（円）"
T["Yen per trip, all years to date"] = "これまでの全年度の１回あたりの旅費（円）"
T["Yen per trip counts only the reports that give both the trips and their cost."] = (
    "１回あたりの旅費は、渡航回数と旅費の両方の記載がある報告のみから算出している。"
)
T["Travel cost per trip over time"] = "１回あたりの旅費の推移"
T["cost per trip, all years to date (yen)"] = "これまでの全年度の１回あたりの旅費（円）"
# Progress and time of the report's job
T["reading the figures and texts"] = "数値と文章を読み込み中"
T["writing the document"] = "文書を作成中"
T["laying out the pages"] = "ページを組版中"
T["writing the file"] = "ファイルを書き出し中"
T["saving the file"] = "ファイルを保存中"
T["%(seconds)s s so far"] = "経過%(seconds)s秒"
T["the last one took %(seconds)s s"] = "前回は%(seconds)s秒"
T["made in %(seconds)s s"] = "作成時間%(seconds)s秒"
T["started at"] = "開始日時"
T["laying out page %(page)d"] = "%(page)dページ目を組版中"
T["pages"] = "ページ数"
T["no answer before the time abroad"] = "渡航前の回答がない"
T["no answer after the time abroad yet"] = "渡航後の回答がまだない"
T["not ended by the as-of date"] = "基準日までに終了していない"
T["the same paper as a row listed: a paper counts once"] = (
    "一覧の記録と同じ論文（論文は１件として数える）"
)
T["the same paper is dated within a project's window: counted as a paper"] = (
    "同じ論文が課題期間内の日付で報告されている（論文として数える）"
)
T["dated within its project's window: counted as a paper, not here"] = (
    "課題期間内の日付（ここではなく論文として数える）"
)
