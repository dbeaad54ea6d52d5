# ruff: noqa: E501 (the published texts are kept as they read)
"""The ASPIRE mid-term evaluation of April 2025 (seed 000), as the demo's evaluation.

The texts are the published ones. The report does not say which member wrote which opinion
(別紙3 lists them per goal only), so the demo spreads them over the members in turn.
"""

import datetime

HELD_ON = datetime.date(2025, 4, 1)
OVERALL_GRADE = "S"

CHAIR = ("大曲 貴夫", "国立国際医療センター国際感染症センター長")
MEMBERS = [  # 50音順, as in 別紙1
    ("木下 賢吾", "東北大学大学院情報科学研究科教授"),
    ("佐久間 一郎", "東京電機大学総合研究所特別専任教授"),
    ("桜田 一洋", "慶應義塾大学医学部教授"),
    ("下郡 智美", "理化学研究所脳神経科学研究センターチームリーダー"),
    ("杉本 亜砂子", "東北大学大学院生命科学研究科教授"),
    ("滝田 順子", "京都大学大学院医学研究科教授"),
    ("坂内 博子", "早稲田大学理工学術院教授"),
]

# Per goal: the assessment paragraphs, then the future directions ("今後は…").
ASSESSMENTS = {
    1: (
        "我が国と欧米等科学技術先進国・地域のトップ研究者同士を結び付けるため、これまでに 11カ国 29の FAが参加したアライメント公募、ならびに二国間の共同公募を４回実施し、さらに２回の実施を予定している。\nアライメント公募は、頭脳循環経費の設定などの工夫に加え、活発な広報活動も行うことで、健康・医療分野の研究開発を所管する主要な FAの賛同を得ることができている。他方で、魅力的な公募形式であるが広く国際頭脳循環を促進するには資金が十分ではない。\n共同公募は、相手国の研究の特徴、日本との連携の強さ、日本との連携の相乗効果等をもとに設計することでその特性を活かした公募を実施することができている。参加を要望ないし前向きに検討中の FAが複数あり、引き続き実施する必要がある。特に、これまで二国間での共同公募を未実施の米国 NIHにおいても ASPIREを活用した連携について検討が進められる状況は特筆すべきである。\n日本と相手国の PIの h-indexの解析から、両国間でトップ研究者が結び付けられていると考えられるが、他方で総提案数は 128件、総採択数は 18件であり、平均採択率は14.1％であった。また AMED において採択可とされる評点６以上の課題数が 83 件であったことから、優れた提案を十分採択できているとは言えない。",
        "今後は、計画中の共同公募を着実に実施するとともに、複数の FA より ASPIRE 公募への参加に前向きな意見が寄せられていることも踏まえ、財源確保の可能性も見据えながら事業の拡大を検討することが望まれる。",
    ),
    2: (
        "令和５年度の第１回公募で採択された課題が研究開始後１年を経過した時点において、相手国研究者との国際共著論文数は 6つの研究課題で 18件（2027年度目標 20件）、国際会議での発表実績は 39 件（2025 年度目標 40 件）であり、いずれも目標を上回る進捗度である。\nまた、採択課題の研究者に対するアンケート調査の結果、ASPIRE を通じた国際共同研究は、新たな研究アイデアや、新たな研究に繋がっているとの回答が多く寄せられており、今後更なる発展が期待できる。\n特に海外拠点を活用した国際連携が活発に行われている事例においては、拠点周辺の企業との連携強化も進められており、産学協力による新たな研究機会が生まれていることは注目に値する。このような機会は、研究成果の応用と社会実装の加速につながることが期待される。",
        "今後は、これらの好循環を維持すべく、トップ研究者同士が結びついた科学レベルの高い研究課題の採択を継続し、研究交流や国際頭脳循環を促進することが望まれる。さらには、定量的な国際共著論文や国際会議での発表実績の目標数値、ならびに定性的な評価方法の検討が求められる。",
    ),
    3: (
        "国際科学トップサークルに参入し、最先端の研究開発につながる情報を取得可能なネットワークの構築に向け、ワークショップ、シンポジウム、セミナー等の開催数は、研究開始後 1年を経過した時点で 2025 年度の目標を上回る。また、本事業を通じた海外からの研究者 ・学生の受け入れ件数についても、2025 年度の目標を上回る。さらには、ASPIRE 関連以外も含めたワークショップ等の開催実績や海外から招聘した研究者数・海外に派遣した研究者数は、ASPIRE 実施前に比して顕著に増加しており波及効果も認められる。これらの結果より、ネットワークの構築につながりうる活発な研究交流が行われていることが確認できる。\n直接経費の一定額を国際的ネットワークの構築・拡大や、国際頭脳循環を促進し国際的なトップ水準の研究機会を若手研究者等へ提供するなど次世代のトップ研究者になることが期待される若手研究者育成を目的として使用する方針は堅持すべきである。\n前述のとおり、海外拠点に常駐する研究者が海外研究者と日本からの若手研究者との連携を支援することで、研究グループ間の活発な交流や、海外拠点の周囲の企業との連携の強化が行われている事例も認められる。",
        "今後は、PSや POによるサイトビジットや、定期的に行う PSPO-PI面談等を通じた研究課題マネジメントの強化や、令和 6 年度に実施した採択課題の研究者間の連携も目的とした合同シンポジウムの開催などにより、本事業に参加する研究者の研究交流の促進に取り組み、世界の国際頭脳循環ネットワークへの回帰の支援が望まれる。",
    ),
    4: (
        "本事業を通じた海外への研究者・学生の派遣者数、ならびに海外からの研究者・学生の受け入れ者数は、いずれも 2025 年度の目標を上回る。また、本事業に限定することなく各研究室における海外から招聘した、あるいは海外に派遣した次世代研究者数を集計すると、いずれも ASPIRE開始前と比べて大きく増加しており、波及効果が認められる。今後も次世代トップ研究者の育成につながる交流が継続することが期待できる。\n海外渡航経験を有する研究者を対象に実施した渡航前後の研究者としての資質の変化に関する調査では、渡航前と比べて全ての項目で向上している。特にネットワーキング、コミュニケーション、専門技術・知識などの項目で大きく向上している。\n実際に渡航した研究者に対するアンケートでは、海外の研究者と直接議論できる機会が得られ共同研究の可能性が広がった、国際的な研究ネットワークを構築でき帰国後も継続的な連携が生まれた、などの声が寄せられている。",
        "今後は、若手研究者の参加を必須とする現在の事業の特色を維持すべく、若手研究者が安心して研究に専念できるよう円安や航空運賃の変化による海外滞在費や渡航費の上昇への対応も検討することにより、若手研究者の育成を促進することが望まれる。",
    ),
}

OPINIONS = {
    1: [
        "現在の公募対象は、科学分野で実績を有する国のすでに自立した研究者となっている印象を受ける。高いレベルの研究成果を見込むことができるが、若手研究者を育成するという観点からは、科学者としての成長に伸びしろのある研究者を研究開発代表者として採択することも検討してはどうか。",
        "世界トップレベルの研究促進には、例えばロボット、材料、情報、コミュニケーションなどの異分野研究と医療研究を融合させる方策が必要ではないか。",
        "評価の高い研究提案が不採択になる件数が多い。応募のために費やした研究者のエフォートと、その審査に費やした評価委員のエフォートを考えた場合、日本の研究社会全体の生産性は高いとは言えない。不採択の研究者を事業に組み入れるような特別な仕組みがあっても良いのではないか。",
        "大型の研究事業ほど報告書作成など研究者の事務的負担が多くなりがちである。評価も重要であるが、評価を厳格に実施しようとするあまり研究者に負荷をかけ過ぎると研究の妨げになる。必要最低限なレベルの報告書や情報収集が望まれる。",
        "論文数やシンポジウム数といった定量的な評価は、研究者を保守的な思考に陥れがちであり、挑戦的な思考の阻害になりうる。",
    ],
    2: [
        "現時点での国際共著論文数や学会発表数には、ASPIRE が始まる以前の成果が含まれている可能性がある。",
        "このような指標は中間評価には不向きであり、早い時点での成果を求めるのではなく、伸び率を評価するなど、時間をかけて成果を追跡することが求められる。",
        "短期的な成果としては、学会でのセッションの共同提案や国際会議での共同発表などの数を指標に含めることが一案である。",
    ],
    3: [
        "シンポジウムやワークショップの開催数について、ASPIRE の A と B で差がある。研究者の間で報告対象のイベントの基準が統一されていないのではないか。シンポジウムやワークショップで何をしたのかについて詳細な情報があると良い。",
        "拠点形成が有効であることが示されているが、拠点を持続するには財源が必要である。財源を維持できるよう、新たな資金獲得につながった例などを共有できると良い。",
        "海外の研究者が、日本の大学の正規職員になった、プロジェクトの特任研究員になった、などの事例は事業の成果となりうる。",
    ],
    4: [
        "海外滞在期間が短期の派遣が多い。滞在期間が短期になる理由について調査することは有意義ではないか。短期滞在の利点や、長期派遣できない事情を読み解くことにつながりうる。",
        "バイアウトが活用されていない場合は、その背景も調査してはどうか。",
        "渡航期間が１週間以内の場合、どのような目的で渡航しているのか、訪問の内容が重要である。",
        "円安や物価上昇など、海外滞在費や渡航費の高騰についての対策の検討が必要ではないか。",
    ],
}

OVERALL_COMMENT = "日本と欧米等科学技術先進国・地域のトップ研究者同士を結び付ける事業が適切に設計され、その計画が着実に実施されている。国際頭脳循環の促進については、ネットワークの構築に資する相手国とのワークショップやセミナー等の開催数、次世代トップ研究者の育成に資する若手研究者の海外派遣数などが研究開始約１年の時点で目標を大きく上回っており、短期間において顕著な成果が認められる。さらにはいずれの指標についても各研究室における本事業以外も含めた数値が本事業開始後に大きく増加しており、本事業以外に波及効果が認められる。\n本事業では今後も顕著な成果が期待され、その好循環を広く根付かせるためには事業の継続が肝要である。各公募回の課題採択率が低いこと、優れた研究提案を十分に採択できていない可能性があること等への対応が今後の課題である。"

# --- The title block and the operating policy (seed 000, the first lines, §1 and 別紙2) ---

TITLE_JA = "先端国際共同研究推進事業（ASPIRE） 事業中間評価報告書"
TITLE_EN = "ASPIRE (Adopting Sustainable Partnerships for Innovative Research Ecosystem): mid-term evaluation report"
COMMITTEE_JA = "ASPIRE事業中間評価委員会"
COMMITTEE_EN = "ASPIRE Mid-term Evaluation Committee"
PREAMBLE_JA = "基金を財源としたプログラムの運用基本方針に従い、AMED が設置した外部有識者から成る ASPIRE事業中間評価委員会が事業中間評価を令和７年４月に実施した。"
PREAMBLE_EN = "In accordance with the basic operating policy of programs financed by the fund, the ASPIRE Mid-term Evaluation Committee, made up of external experts appointed by AMED, carried out the program's mid-term evaluation in April 2025."

POLICY_NAME_JA = "先端国際共同研究推進事業／プログラム 運用基本方針"
POLICY_NAME_EN = "Basic Operating Policy of the ASPIRE program"
POLICY_REVISED_ON = datetime.date(2023, 7, 21)
POLICY_EXCERPT_JA = "本プログラムは、我が国の国際的な研究コミュニティにおける存在感が低下している状況を打破し、科学技術力の維持・向上を図るため、政策上重要な科学技術分野において、 国際共同研究を通じて我が国と欧米等科学技術先進国・地域のトップ研究者同士を結び付け、我が国の研究コミュニティにおいて国際頭脳循環を加速することを目指すものである。これにより、我が国と科学技術先進国・地域との間で、 最先端の研究開発につながる情報を取得可能なネットワークを構築しつつ、 我が国の次世代のトップ研究者を育成し、我が国が世界の流れから取り残されないことはもとより、その流れを能動的に作り出すための構造的仕組みを構築する。"
POLICY_EXCERPT_EN = "This program aims to overcome the declining presence of Japan in the international research community and to maintain and improve its science and technology capabilities by connecting top researchers of Japan with those of advanced countries and regions such as Europe and North America through international joint research in policy-relevant fields, thereby accelerating international brain circulation in Japan's research community. In doing so, it builds a network between Japan and advanced countries and regions that gives access to information leading to cutting-edge research, trains Japan's next generation of top researchers, and builds structural mechanisms so that Japan is not left behind by the world's currents but actively creates them."

# number: (title as §3 heads it, title as 別紙2 quotes the policy, English, indicators ja, en)
GOALS = {
    1: (
        "我が国と欧米等科学技術先進国・地域のトップ研究者同士を結び付ける施策の実施",
        "",
        "Measures connecting top researchers of Japan and of advanced countries and regions such as Europe and North America",
        ["適切な国、分野・領域の設定", "トップ研究者の採択", "公募相手国 FA との連携"],
        [
            "Appropriate choice of countries, fields and areas",
            "Adoption of top researchers",
            "Cooperation with the partner countries' funding agencies",
        ],
    ),
    2: (
        "ASPIREの支援で加速する国際共同研究",
        "",
        "International joint research accelerated by ASPIRE's support",
        ["共著論文、国際会議発表実績"],
        ["Co-authored papers and presentations at international conferences"],
    ),
    3: (
        "最先端の研究開発につながる情報を取得可能なネットワークを構築",
        "",
        "Building a network that gives access to information leading to cutting-edge research",
        [
            "研究交流に係る実績（ワークショップ、シンポジウム、セミナー、レクチャーツアー等）",
            "拠点・研究ハブの構築",
            "国際ネットワーク構築・拡大に係る実績（波及効果）",
        ],
        [
            "Research exchange (workshops, symposia, seminars, lecture tours and the like)",
            "Establishment of bases and research hubs",
            "Building and widening international networks (spill-over effects)",
        ],
    ),
    4: (
        "我が国の次世代トップ研究者の育成",
        "我が国の次世代のトップ研究者を育成",
        "Training Japan's next generation of top researchers",
        [
            "相手国への若手研究者等の派遣",
            "相手国からの若手研究者等の受け入れと日本側次世代研究者の育成",
            "渡航あるいは招聘した次世代研究者の状況調査（育成面での効果確認）",
            "次世代トップ研究者の育成で生じる研究体制の変化（波及効果）",
        ],
        [
            "Dispatch of young researchers to the partner countries",
            "Reception of young researchers from the partner countries and training of Japan's next generation",
            "Survey of the next-generation researchers who travelled or were invited (effects on their training)",
            "Changes in research organisation brought by training the next generation (spill-over effects)",
        ],
    ),
}

# --- The English texts of the committee (a translation for the English document) -------

ASSESSMENTS_EN = {
    1: (
        "To connect top researchers of Japan and of advanced countries and regions, the program has so far held an alignment call in which 29 funding agencies (FAs) of 11 countries took part and four bilateral joint calls, with two more planned.\nThe alignment call has won the support of the major FAs responsible for health and medical research, thanks to devices such as the brain-circulation budget and active publicity. Attractive as the format is, its funds are not sufficient to promote international brain circulation widely.\nThe joint calls were designed on the basis of the partner country's research strengths, the strength of its ties with Japan and the synergy of working with Japan, and so make the most of each partner. Several FAs have asked to take part or are considering it favourably, and the calls should continue. It is particularly noteworthy that the US NIH, with which no bilateral joint call has yet been held, is considering cooperation through ASPIRE.\nThe h-index analysis of the Japanese and partner PIs suggests that top researchers of both countries are being connected; yet of 128 proposals in total, 18 were adopted, an average adoption rate of 14.1 %. With 83 proposals scored 6 or higher, the score AMED considers adoptable, excellent proposals cannot be said to be adopted sufficiently.",
        "The planned joint calls should be held as planned, and, as several FAs have expressed interest in joining ASPIRE's calls, an expansion of the program should be considered together with the possibility of securing funds.",
    ),
    2: (
        "One year after the start of the projects adopted in the first call of FY2023, the six projects had 18 international papers co-authored with partner researchers (FY2027 target: 20) and 39 presentations at international conferences (FY2025 target: 40): both are ahead of the pace of their targets.\nA survey of the adopted projects' researchers found many answers saying that the international joint research through ASPIRE leads to new research ideas and new research, and further development can be expected.\nNotably, where international cooperation makes active use of an overseas base, ties with companies around the base are being strengthened and new research opportunities of industry-academia cooperation are arising. Such opportunities are expected to accelerate the application and social implementation of research results.",
        "To keep this virtuous circle, the program should continue to adopt projects of high scientific level that connect top researchers, and promote research exchange and international brain circulation. Quantitative targets for international co-authored papers and conference presentations, and methods of qualitative evaluation, should also be considered.",
    ),
    3: (
        "Towards a network that joins the international top circle of science and gives access to information leading to cutting-edge research, the number of workshops, symposia, seminars and similar events one year after the start already exceeds the FY2025 target. The number of researchers and students received from abroad through the program also exceeds the FY2025 target. Moreover, the events held and the researchers invited from and dispatched abroad by the labs, ASPIRE-related or not, have increased markedly compared with before ASPIRE, a spill-over effect. These results confirm active research exchange that can lead to a network.\nThe policy of using a fixed share of the direct costs to build and widen international networks and to train young researchers expected to become the next generation's top researchers, by promoting brain circulation and offering them research opportunities of international top level, should be maintained.\nAs mentioned, there are cases in which researchers stationed at an overseas base support cooperation between overseas researchers and young researchers from Japan, bringing active exchange between research groups and stronger ties with companies around the base.",
        "Project management should be strengthened through site visits by the PS and POs and regular PS/PO–PI meetings, and research exchange among the program's researchers promoted, for instance by joint symposia aimed also at cooperation among the adopted projects' researchers such as the one held in FY2024, so as to support Japan's return to the world's network of international brain circulation.",
    ),
    4: (
        "The numbers of researchers and students dispatched abroad and received from abroad through the program both exceed the FY2025 targets. Counted across each lab, beyond this program, the next-generation researchers invited from abroad or dispatched abroad have both increased greatly compared with before ASPIRE, a spill-over effect. Exchanges that train the next generation of top researchers can be expected to continue.\nA survey of researchers with experience abroad on their qualities as researchers before and after travelling found improvements in every item, most of all in networking, communication, and expertise and technical knowledge.\nResearchers who travelled said that the opportunity to discuss directly with overseas researchers widened the possibilities of joint research, and that they built international research networks that continued after their return.",
        "To keep the program's distinctive requirement that young researchers take part, and so that young researchers can concentrate on their research without worry, measures against the rise of living and travel costs abroad due to the weak yen and air fares should be considered, to further the training of young researchers.",
    ),
}

OPINIONS_EN = {
    1: [
        "The current calls seem to target researchers who are already independent, in countries with a record in science. High-level results can be expected, but to train young researchers, adopting as principal investigators researchers with room to grow as scientists could also be considered.",
        "Promoting world-class research needs ways to fuse medical research with other fields such as robotics, materials, information and communication.",
        "Many highly rated proposals are not adopted. Given the effort researchers spend on applying and reviewers on reviewing, the productivity of Japan's research community as a whole cannot be called high. A special scheme bringing unadopted researchers into the program could be considered.",
        "The larger the program, the heavier researchers' administrative burden, such as writing reports, tends to be. Evaluation matters, but overloading researchers for the sake of strict evaluation hinders research. Reports and data collection should be kept to the minimum needed.",
        "Quantitative evaluation such as numbers of papers and symposia tends to make researchers conservative and can hinder challenging thinking.",
    ],
    2: [
        "The current numbers of international co-authored papers and conference presentations may include results from before ASPIRE started.",
        "Such indicators are ill-suited to a mid-term evaluation: rather than asking for early results, results should be followed over time, for instance by evaluating growth rates.",
        "As short-term results, counting joint proposals of conference sessions and joint presentations at international conferences could be one option.",
    ],
    3: [
        "The numbers of symposia and workshops differ between ASPIRE projects A and B. The researchers may not share one standard of which events to report. More detail on what was done at the symposia and workshops would help.",
        "Bases are shown to be effective, but sustaining a base needs funds. Sharing examples that led to new funding would help to keep them funded.",
        "Cases such as overseas researchers becoming permanent staff of a Japanese university or project researchers can count as results of the program.",
    ],
    4: [
        "Many dispatches are short stays. Investigating why stays are short would be worthwhile: it could reveal the advantages of short stays and the circumstances preventing long dispatches.",
        "Where the buy-out is not used, the reasons could also be investigated.",
        "For trips of a week or less, the purpose of the trip and the content of the visit matter.",
        "Measures against the rising living and travel costs abroad, due to the weak yen and inflation, need to be considered.",
    ],
}

OVERALL_COMMENT_EN = "The program connecting top researchers of Japan and of advanced countries and regions is well designed and its plan is being carried out steadily. As to the promotion of international brain circulation, the numbers of workshops, seminars and similar events with the partner countries, which build networks, and of young researchers dispatched abroad, which train the next generation of top researchers, are well above their targets about one year after the start, showing remarkable results in a short time. Moreover, for every indicator the lab-wide figures including activity beyond the program have increased greatly since the program started, a spill-over effect beyond the program.\nRemarkable results can be expected from the program, and its continuation is essential to root this virtuous circle widely. The low adoption rate of each call and the possibility that excellent proposals are not adopted sufficiently remain to be addressed."
