# ruff: noqa  (a translation table for /work/fill_po.py: T is its dictionary, lines are msgids)
# Japanese for the reviewers' pages and the staff side of reviewing (issues 13 and 14).
T["Send an invitation to set a password"] = "パスワード設定の招待を送る"
T["Roles"] = "役割"
T["Invitation sent to %(email)s."] = "%(email)s に招待を送りました。"
T["%(count)d invitation sent."] = "%(count)d 件の招待を送りました。"
T["mean"] = "平均"
T["median"] = "中央値"
T["reviewers"] = "査読者"
T["Empty: the call's due date for reviews."] = "空欄の場合は公募の査読期限になります。"
T["Assign reviewers to the selected proposals"] = "選択した提案に査読者を割り当てる"
T["%(made)d assignment made"] = "%(made)d 件を割り当てました"
T["%(refused)d refused for a conflict of interest"] = "利益相反のため %(refused)d 件を拒否しました"
T["Assign reviewers"] = "査読者の割り当て"
T["Pending"] = "未着手"
T["Reviewer workload"] = "査読者の負担状況"
T["%(reviewer)s works or worked within %(years)s years at %(institution)s, like the PI %(pi)s."] = (
    "%(reviewer)s は過去 %(years)s 年以内に %(institution)s に所属しており、研究代表者 %(pi)s と同じ機関です。"
)
T["%(reviewer)s co-authored with the PI %(pi)s (OpenAlex)."] = (
    "%(reviewer)s は研究代表者 %(pi)s と共著があります（OpenAlex）。"
)
T["%(reviewer)s works or worked for %(agency)s, an agency of the partner PI's country."] = (
    "%(reviewer)s は相手国研究代表者の国の機関 %(agency)s に所属しています（いました）。"
)
T["Score"] = "評点"
T["Comment"] = "コメント"
T["%(low)s to %(high)s; %(adoptable)s and above is adoptable."] = (
    "%(low)s〜%(high)s、%(adoptable)s 以上が採択可能です。"
)
T["Why you cannot review this proposal"] = "この提案を査読できない理由"
T["Assignment"] = "割り当て"
T["Reviewing"] = "査読中"
T["Panel"] = "パネル"
T["review phase"] = "査読段階"
T["reviewers see each other's scores in the panel"] = "パネルで査読者が互いの評点を見られる"
T[
    "In the panel phase, a reviewer who has submitted sees the other reviewers' scores and comments."
] = "パネル段階では、提出済みの査読者は他の査読者の評点とコメントを見られます。"
T["reviews due on"] = "査読期限"
T["The due date new assignments get; each review may have its own."] = (
    "新しい割り当ての期限です。査読ごとに変更できます。"
)
T["draft score"] = "下書きの評点"
T["draft comment"] = "下書きのコメント"
T["When the reviewer works or worked for a funding agency."] = (
    "査読者が資金配分機関に所属している（いた）場合。"
)
T["from (year)"] = "開始（年）"
T["until (year)"] = "終了（年）"
T["Empty while they still work there."] = "在職中は空欄にします。"
T["reviewer affiliation"] = "査読者の所属歴"
T["reviewer affiliations"] = "査読者の所属歴"
T["Name an institution or an agency."] = "機関名または資金配分機関を指定してください。"
T["It cannot end before it starts."] = "開始より前に終了することはできません。"
T["The file is larger than %(limit)s MB."] = "ファイルが %(limit)s MB を超えています。"
T["Upload a PDF file."] = "PDF ファイルをアップロードしてください。"
T["uploaded at"] = "アップロード日時"
T["proposal document"] = "提案書類"
T["proposal documents"] = "提案書類"
T["review reminder"] = "査読リマインダー"
T["review reminders"] = "査読リマインダー"
T["The review phase of this call is closed to scoring."] = (
    "この公募の査読段階では評点を付けられません。"
)
T["A score runs from %(low)s to %(high)s."] = "評点は %(low)s〜%(high)s です。"
T["Give a score to submit the review."] = "提出するには評点を入力してください。"
T["Unknown review phase."] = "不明な査読段階です。"
T["Your review was submitted."] = "査読を提出しました。"
T["Draft saved."] = "下書きを保存しました。"
T["A conflict can no longer be declared in this phase."] = "この段階では利益相反を申告できません。"
T["Say why you cannot review this proposal."] = "この提案を査読できない理由を書いてください。"
T["Conflict declared: the assignment is removed."] = (
    "利益相反を申告しました。割り当ては取り消されました。"
)
T["this account is not a reviewer's: change it by hand."] = (
    "このアカウントは査読者のものではありません。手作業で変更してください。"
)
T["%(reviewer)s co-authored a paper in Aspire with the PI %(pi)s."] = (
    "%(reviewer)s は Aspire に登録された論文で研究代表者 %(pi)s と共著があります。"
)
T["%(reviewer)s is a member of a project of the PI %(pi)s."] = (
    "%(reviewer)s は研究代表者 %(pi)s の研究課題のメンバーです。"
)
T["assignment"] = "割り当て"
T["Refused"] = "拒否"
T["Assigned already"] = "割り当て済み"
T["Will be assigned"] = "割り当て予定"
T["Assign"] = "割り当てる"
T["Check again"] = "もう一度確認"
T["Check for conflicts"] = "利益相反を確認"
T["All calls"] = "すべての公募"
T["assigned"] = "割り当て"
T["pending"] = "未提出"
T["overdue"] = "期限超過"
T["submitted"] = "提出済み"
T["No reviewer has reviews."] = "査読を持つ査読者はいません。"
T[
    "You are invited to review proposals in Aspire. Set your password here, then sign in with your e-mail address:"
] = "Aspire での提案の査読にご招待します。こちらでパスワードを設定し、メールアドレスでサインインしてください："
T[
    "The link works once and for a few days. If it has run out, ask for a new one on the sign-in page (“Forgotten your password?”)."
] = "このリンクは一度だけ、数日間有効です。期限が切れた場合はサインイン画面の「パスワードをお忘れですか？」から新しいリンクを依頼してください。"
T["Aspire: you are invited as a reviewer"] = "Aspire：査読者としてのご招待"
T["Your review of proposal %(ref)s was due on %(due)s and has not been submitted yet."] = (
    "提案 %(ref)s の査読の期限は %(due)s でしたが、まだ提出されていません。"
)
T["Your review of proposal %(ref)s is due on %(due)s."] = (
    "提案 %(ref)s の査読の期限は %(due)s です。"
)
T["Score it here:"] = "こちらから評点を付けてください："
T["Aspire: your review of %(ref)s is overdue"] = "Aspire：%(ref)s の査読が期限を過ぎています"
T["Aspire: your review of %(ref)s is due soon"] = "Aspire：%(ref)s の査読期限が近づいています"
T["My reviews"] = "担当する査読"
T["Proposal"] = "提案"
T["Title"] = "タイトル"
T["Call"] = "公募"
T["Phase"] = "段階"
T["No proposal is assigned to you."] = "割り当てられた提案はありません。"
T["Review phase"] = "査読段階"
T["Partner PI"] = "相手国研究代表者"
T["Requested"] = "申請額"
T["yen a year"] = "円／年"
T["%(years)s year"] = "%(years)s 年"
T["Documents"] = "書類"
T["No document yet."] = "書類はまだありません。"
T["Your review"] = "あなたの査読"
T["submitted score"] = "提出した評点"
T["Save draft"] = "下書きを保存"
T["Scores cannot be given or changed in the “%(phase)s” phase."] = (
    "「%(phase)s」段階では評点の入力・変更はできません。"
)
T["The other reviewers' scores"] = "他の査読者の評点"
T["Reviewer %(number)s"] = "査読者 %(number)s"
T["Declare a conflict of interest"] = "利益相反を申告する"
T["Declare the conflict and give up this review"] = "利益相反を申告し、この査読を辞退する"
T["Every reviewer's workload, with overdue reviews"] = "全査読者の負担状況（期限超過を含む）"
