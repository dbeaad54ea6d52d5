"""The ASPIRE demo data set: the figures of AMED's mid-term evaluation of April 2025.

`load_demo()` loads the program catalogue (seed 002), then the program ASPIRE at AMED with
its calls, proposals, reviews, projects and annual reports, so that the indicators of
shared/design/indicators.md, for ASPIRE as of 31 March 2025 (FY2024), come out exactly at
the figures of shared/seeds/000 §3 (the constants below). Around them it puts the cases the
rules must leave out: withdrawn proposals, a planned call with a new partner, papers dated
before their project's start or reported by two projects, a draft report, outputs not
funded by the program, a closed hub, the projects of the later calls that have not started.

Repeatable: everything is generated in memory from fixed seeds and fixed dates, then written
by natural key. A row that already holds the wanted values is not saved again, so a second
run writes nothing, history included.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import cycle
from statistics import mean
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django_countries.fields import Country
from django_otp.plugins.otp_static.models import StaticToken
from simple_history.utils import bulk_create_with_history

from accounts import two_factor
from accounts.models import Role, User
from aspire.fields import NormalisedCharField
from calls import figures as call_figures
from calls import scores
from calls.models import (
    Call,
    CallKind,
    CareerStage,
    ConflictOfInterest,
    Proposal,
    ProposalStatus,
    Researcher,
    Review,
)
from evaluations import demo_evaluation as published
from evaluations.models import (
    CommitteeMember,
    CommitteeRole,
    Evaluation,
    EvaluationKind,
    GoalAssessment,
    Opinion,
    Target,
)
from programs.catalogue import MILLION, load_catalogue
from programs.fiscal import fiscal_year, fiscal_year_end, fiscal_year_start
from programs.models import FundingAgency, Program, ProgramGoal, SupportType
from projects import figures as stored_figures
from projects.models import (
    AnnualReport,
    Direction,
    Event,
    Exchange,
    Hub,
    LabStatistic,
    MemberRole,
    Paper,
    Presentation,
    Project,
    ProjectBudget,
    ProjectMember,
    ReportingPeriod,
    ReportStatus,
    SurveyAnswer,
    paper_key,
    participant,
)

date = datetime.date
JST = ZoneInfo("Asia/Tokyo")

# --- The figures to reproduce: shared/seeds/000 §3 (see shared/seeds/README.md) ----------
PROGRAM = "ASPIRE"
AS_OF = date(2025, 3, 31)  # the evaluation of 令和7年4月 looks back on FY2024
PARTNER_COUNTRIES = 11  # 目標1: 「11カ国 29の FAが参加したアライメント公募」
PARTNER_AGENCIES = 29
JOINT_CALLS_HELD = 4  # 「二国間の共同公募を４回実施し、さらに２回の実施を予定」
CALLS_PLANNED = 2
PROPOSALS = 128  # 「総提案数は 128件、総採択数は 18件であり、平均採択率は 14.1％」
ADOPTED = 18
ADOPTABLE = 83  # 「採択可とされる評点６以上の課題数が 83 件」
FIRST_CALL_PROJECTS = 6  # 目標2: 令和５年度の第１回公募の 6 課題, one year after their start
INTL_PAPERS = 18  # 「国際共著論文数は … 18件（2027年度目標 20件）」
INTL_PRESENTATIONS = 39  # 「国際会議での発表実績は 39 件（2025 年度目標 40 件）」
# 目標3 and 4 give no numbers, only "above the FY2025 targets": ours.
EVENTS = 26
RESEARCHERS_RECEIVED = 16
YOUNG_RECEIVED = 10
DISPATCHED = 30
YOUNG_DISPATCHED = 22
# Every target starts from nothing at the start of FY2023, the program's first year
# (evaluations/pace.py draws the straight line from there to the target).
TARGET_BASELINE = (2023, 0)
TARGETS = [  # (indicator, fiscal year, value)
    ("g2.intl_coauthored_papers", 2027, 20),
    ("g2.intl_presentations", 2025, 40),
    ("g3.events", 2025, 20),
    ("g3.researchers_received", 2025, 12),
    ("g4.dispatched", 2025, 24),
    ("g4.young_dispatched", 2025, 18),
    ("g4.young_received", 2025, 8),
]
SEED = 2025
DEFAULT_PASSWORD = "demo"

# --- Partner funding agencies: 29 health-research FAs in 11 countries -------------------
PARTNER_FAS = [  # (code, name, name_ja, country)
    ("NIH", "National Institutes of Health", "米国国立衛生研究所", "US"),
    ("NSF", "National Science Foundation", "米国国立科学財団", "US"),
    (
        "CDMRP",
        "Congressionally Directed Medical Research Programs",
        "米国議会指定医学研究プログラム",
        "US",
    ),
    ("CIHR", "Canadian Institutes of Health Research", "カナダ保健研究機構", "CA"),
    (
        "NSERC",
        "Natural Sciences and Engineering Research Council of Canada",
        "カナダ自然科学・工学研究会議",
        "CA",
    ),
    ("GENOME-CANADA", "Genome Canada", "ゲノム・カナダ", "CA"),
    ("FRQS", "Fonds de recherche du Québec – Santé", "ケベック州保健研究基金", "CA"),
    ("UKRI-MRC", "UK Research and Innovation – Medical Research Council", "英国医学研究会議", "GB"),
    (
        "UKRI-BBSRC",
        "UK Research and Innovation – Biotechnology and Biological Sciences Research Council",
        "英国バイオテクノロジー・生物科学研究会議",
        "GB",
    ),
    ("NIHR", "National Institute for Health and Care Research", "英国国立健康・介護研究所", "GB"),
    ("WELLCOME", "Wellcome Trust", "ウェルカム・トラスト", "GB"),
    ("DFG", "Deutsche Forschungsgemeinschaft", "ドイツ研究振興協会", "DE"),
    ("BMBF", "Federal Ministry of Education and Research", "ドイツ連邦教育研究省", "DE"),
    ("ANR", "Agence nationale de la recherche", "フランス国立研究機構", "FR"),
    (
        "INSERM",
        "Institut national de la santé et de la recherche médicale",
        "フランス国立保健医学研究所",
        "FR",
    ),
    ("ANRS-MIE", "ANRS Emerging Infectious Diseases", "フランス新興感染症研究機関", "FR"),
    ("IT-MOH", "Italian Ministry of Health", "イタリア保健省", "IT"),
    (
        "FRRB",
        "Fondazione Regionale per la Ricerca Biomedica",
        "ロンバルディア州生物医学研究財団",
        "IT",
    ),
    ("ISCIII", "Instituto de Salud Carlos III", "カルロス3世保健研究所", "ES"),
    ("AEI", "Agencia Estatal de Investigación", "スペイン国家研究機構", "ES"),
    ("ZONMW", "ZonMw", "オランダ保健研究開発機構", "NL"),
    ("NWO", "Dutch Research Council", "オランダ研究評議会", "NL"),
    ("VR", "Swedish Research Council", "スウェーデン研究評議会", "SE"),
    (
        "FORTE",
        "Swedish Research Council for Health, Working Life and Welfare",
        "スウェーデン保健・労働生活・福祉研究評議会",
        "SE",
    ),
    ("VINNOVA", "Sweden's Innovation Agency", "スウェーデン・イノベーション庁", "SE"),
    ("SNSF", "Swiss National Science Foundation", "スイス国立科学財団", "CH"),
    (
        "NHMRC",
        "National Health and Medical Research Council",
        "オーストラリア国立保健医療研究評議会",
        "AU",
    ),
    ("ARC", "Australian Research Council", "オーストラリア研究会議", "AU"),
    ("MRFF", "Medical Research Future Fund", "オーストラリア医学研究未来基金", "AU"),
    # Partner of a planned call only: never counted (indicators.md, g1.partner_agencies).
    ("FWO", "Research Foundation – Flanders", "フランダース研究財団", "BE"),
]
ALIGNMENT_PARTNERS = tuple(code for code, _n, _j, _c in PARTNER_FAS if code != "FWO")


# --- Calls: the FY2023 first call (alignment), 4 joint calls held, 2 planned -----------
@dataclass(frozen=True)
class CallPlan:
    code: str
    kind: str
    title: str
    partners: tuple[str, ...]
    support_type: str
    open_date: date | None = None
    close_date: date | None = None
    proposals: int = 0  # not withdrawn
    adopted: int = 0
    adoptable: int = 0  # final score >= 6, the adopted included
    withdrawn: int = 0
    project_start: date | None = None


FIRST_CALL = "ASPIRE-2023-1"
CALLS = [
    CallPlan(
        FIRST_CALL,
        CallKind.ALIGNMENT,
        "令和5年度 先端国際共同研究推進プログラム（ASPIRE）第1回公募（アライメント公募）",
        ALIGNMENT_PARTNERS,
        "TYPE-1",
        date(2023, 4, 20),
        date(2023, 6, 30),
        proposals=40,
        adopted=6,
        adoptable=26,
        withdrawn=1,
    ),
    CallPlan(
        "ASPIRE-2023-2-GB",
        CallKind.JOINT,
        "令和5年度 ASPIRE 第2回公募（日英共同公募 UKRI-MRC）",
        ("UKRI-MRC",),
        "TYPE-2",
        date(2023, 11, 1),
        date(2024, 1, 31),
        proposals=24,
        adopted=3,
        adoptable=16,
        project_start=date(2025, 4, 1),
    ),
    CallPlan(
        "ASPIRE-2024-1-DE",
        CallKind.JOINT,
        "令和6年度 ASPIRE 第1回公募（日独共同公募 DFG）",
        ("DFG",),
        "TYPE-2",
        date(2024, 4, 15),
        date(2024, 6, 28),
        proposals=22,
        adopted=3,
        adoptable=14,
        withdrawn=1,
        project_start=date(2025, 4, 1),
    ),
    CallPlan(
        "ASPIRE-2024-2-CA",
        CallKind.JOINT,
        "令和6年度 ASPIRE 第2回公募（日加共同公募 CIHR・FRQS）",
        ("CIHR", "FRQS"),
        "TYPE-2",
        date(2024, 7, 1),
        date(2024, 9, 2),
        proposals=22,
        adopted=3,
        adoptable=14,
        project_start=date(2025, 7, 1),
    ),
    CallPlan(
        "ASPIRE-2024-3-AU",
        CallKind.JOINT,
        "令和6年度 ASPIRE 第3回公募（日豪共同公募 NHMRC）",
        ("NHMRC",),
        "TYPE-2",
        date(2024, 10, 1),
        date(2024, 11, 29),
        proposals=20,
        adopted=3,
        adoptable=13,
        withdrawn=1,
        project_start=date(2025, 7, 1),
    ),
    CallPlan(
        "ASPIRE-2025-1-BE",
        CallKind.JOINT,
        "令和7年度 ASPIRE 第1回公募（日白共同公募 FWO）",
        ("FWO",),
        "TYPE-2",
        date(2025, 5, 12),
        date(2025, 7, 31),
    ),
    CallPlan(
        "ASPIRE-2025-2-US",
        CallKind.JOINT,
        "ASPIRE 日米共同公募（NIH、調整中）",
        ("NIH",),
        "TYPE-1",
    ),
]


# --- The 6 projects of the FY2023 first call and what they report --------------------
@dataclass(frozen=True)
class Flagship:
    title: str
    jp_pi: tuple[str, str, int]  # name, institution, h-index
    partner_pi: tuple[str, str, str, int]  # name, institution, country, h-index
    start: date
    budget_million: int
    pair: str  # the two cities, for event titles
    label: str
    topics: tuple[str, ...]
    # Counted (accepted report, in the window, international / program-funded):
    papers: int  # besides SHARED_PAPERS
    presentations: int
    events: tuple[str, ...]
    dispatched: int
    young_dispatched: int
    received: int
    young_received: int
    lab: dict[int, tuple[int, int, int]]  # FY -> events held, invited, dispatched (lab-wide)
    buyout: dict[int, str]  # FY -> why buy-out was not used ("" = it was used)
    # Reported but never counted:
    papers_before_start: int = 0
    national_journal: str = ""  # one paper without foreign co-authors, if set
    presentations_before_start: int = 0
    presentations_domestic: int = 0
    events_before_start: int = 0
    dispatches_before_start: int = 0
    dispatches_unfunded: int = 0
    receptions_unfunded: int = 0
    draft_fy: int | None = None  # this year's report is still a draft
    young_people: tuple[str, ...] = field(default=())
    journals: tuple[str, ...] = field(default=())


NO_BUYOUT_TEACHING = "所属大学のバイアウト制度で代替講師を確保できなかったため（専門科目の講義）。"
NO_BUYOUT_INSTITUTE = "研究所所属で講義・学内業務の負担が小さく、バイアウトの必要がなかったため。"
NO_BUYOUT_NEW_RULES = "所属機関のバイアウト規程の整備が令和6年度にずれ込んだため。"

FLAGSHIPS = [
    Flagship(
        "Single-cell atlas of human immune ageing across Japanese and British cohorts",
        ("高橋 健一", "東京大学", 46),
        ("Sarah Thompson", "University of Oxford", "GB", 71),
        date(2024, 1, 1),
        100,
        "Tokyo–Oxford",
        "Immune Ageing",
        (
            "immune ageing",
            "naive T-cell decline",
            "clonal haematopoiesis",
            "vaccine responses in older adults",
            "thymic involution",
        ),
        papers=4,
        presentations=9,
        events=("workshop", "workshop", "symposium", "seminar", "seminar", "other"),
        dispatched=7,
        young_dispatched=5,
        received=4,
        young_received=3,
        lab={2022: (3, 4, 2), 2023: (6, 9, 7), 2024: (10, 15, 12)},
        buyout={2023: NO_BUYOUT_NEW_RULES, 2024: ""},
        national_journal="International Immunology",
        presentations_domestic=1,
        events_before_start=1,
        dispatches_unfunded=1,
        young_people=("佐々木 陽菜", "村上 拓海", "青木 結衣"),
        journals=("Immunity", "Nature Communications", "Cell Reports", "eLife"),
    ),
    Flagship(
        "Patient-derived retinal organoids for gene therapy of inherited retinal dystrophies",
        ("中川 由紀", "理化学研究所", 38),
        ("Matthias Weber", "Technical University of Munich", "DE", 58),
        date(2024, 1, 1),
        80,
        "Kobe–Munich",
        "Retinal Organoid",
        (
            "retinal organoid maturation",
            "photoreceptor degeneration",
            "AAV gene therapy of retinitis pigmentosa",
            "cone–rod dystrophy",
        ),
        papers=3,
        presentations=8,
        events=("workshop", "workshop", "seminar", "seminar", "lecture_tour"),
        dispatched=6,
        young_dispatched=5,
        received=3,
        young_received=2,
        lab={2022: (2, 3, 3), 2023: (4, 6, 6), 2024: (7, 11, 9)},
        buyout={2023: NO_BUYOUT_INSTITUTE, 2024: NO_BUYOUT_INSTITUTE},
        papers_before_start=1,
        presentations_domestic=1,
        dispatches_before_start=1,
        young_people=("遠藤 颯太", "西村 美咲", "藤井 蓮"),
        journals=("Cell Stem Cell", "Stem Cell Reports", "Nature Communications", "eLife"),
    ),
    Flagship(
        "Liquid-biopsy AI for the early detection of pancreatic cancer",
        ("渡辺 翔", "国立がん研究センター", 41),
        ("Javier García", "Spanish National Cancer Research Centre (CNIO)", "ES", 66),
        date(2024, 1, 1),
        90,
        "Tokyo–Madrid",
        "Liquid Biopsy",
        (
            "cell-free DNA fragmentomics",
            "early pancreatic cancer",
            "pancreatic cancer precursor lesions",
            "circulating tumour DNA methylation",
        ),
        papers=3,
        presentations=8,
        events=("workshop", "symposium", "symposium", "seminar", "seminar"),
        dispatched=6,
        young_dispatched=4,
        received=3,
        young_received=2,
        lab={2022: (1, 2, 1), 2023: (3, 5, 4), 2024: (6, 9, 8)},
        buyout={2023: NO_BUYOUT_INSTITUTE, 2024: NO_BUYOUT_INSTITUTE},
        national_journal="Cancer Science",
        presentations_before_start=1,
        presentations_domestic=1,
        receptions_unfunded=1,
        young_people=("石井 優奈", "坂本 大和"),
        journals=("Science Translational Medicine", "Gut", "Nature Communications", "Cell Reports"),
    ),
    Flagship(
        "Neural circuits of social behaviour in primate models of autism",
        ("小林 恵子", "京都大学", 52),
        ("James Miller", "Harvard Medical School", "US", 83),
        date(2024, 1, 1),
        100,
        "Kyoto–Boston",
        "Social Brain",
        (
            "prefrontal social circuits",
            "marmoset models of autism",
            "oxytocin signalling",
            "social gaze",
        ),
        papers=2,
        presentations=6,
        events=("workshop", "symposium", "seminar", "lecture_tour"),
        dispatched=5,
        young_dispatched=4,
        received=2,
        young_received=1,
        lab={2022: (2, 5, 2), 2023: (4, 7, 5), 2024: (6, 10, 9)},
        buyout={2023: NO_BUYOUT_TEACHING, 2024: ""},
        papers_before_start=1,
        national_journal="Neuroscience Research",
        presentations_domestic=1,
        young_people=("近藤 さくら", "長谷川 悠真", "岡田 葵"),
        journals=("Neuron", "Nature Communications", "eLife", "Cell Reports"),
    ),
    Flagship(
        "Host–pathogen interactions in drug-resistant tuberculosis",
        ("伊藤 大輔", "大阪大学", 35),
        ("Claire Dubois", "Institut Pasteur", "FR", 61),
        date(2024, 2, 1),
        70,
        "Osaka–Paris",
        "Tuberculosis",
        (
            "drug-resistant Mycobacterium tuberculosis",
            "macrophage immunometabolism",
            "host-directed therapy of tuberculosis",
            "granuloma formation",
        ),
        papers=2,
        presentations=6,
        events=("workshop", "symposium", "seminar", "other"),
        dispatched=4,
        young_dispatched=3,
        received=3,
        young_received=1,
        lab={2022: (3, 3, 2), 2023: (5, 8, 6), 2024: (8, 12, 10)},
        buyout={2023: NO_BUYOUT_TEACHING, 2024: NO_BUYOUT_TEACHING},
        national_journal="Microbiology and Immunology",
        young_people=("後藤 陽斗", "前田 彩花"),
        journals=(
            "PLOS Pathogens",
            "Journal of Clinical Investigation",
            "Nature Communications",
            "eLife",
        ),
    ),
    Flagship(
        "Gut microbiome and metabolic disease in ageing populations",
        ("加藤 真由美", "九州大学", 44),
        ("Erik Andersson", "Karolinska Institutet", "SE", 57),
        date(2024, 2, 1),
        60,
        "Fukuoka–Stockholm",
        "Microbiome",
        (
            "gut microbiome ageing",
            "bile acid metabolism",
            "type 2 diabetes in older adults",
            "microbial metabolites",
        ),
        papers=1,
        presentations=2,
        events=("workshop", "seminar"),
        dispatched=2,
        young_dispatched=1,
        received=1,
        young_received=1,
        lab={2022: (1, 2, 1), 2023: (3, 4, 3), 2024: (5, 7, 6)},
        buyout={2023: NO_BUYOUT_TEACHING, 2024: NO_BUYOUT_TEACHING},
        draft_fy=2024,
        young_people=("山崎 美月", "小川 陸"),
        journals=("Gut", "Nature Communications", "Cell Reports"),
    ),
]

# Papers reported by two projects: counted once (indicators.md, "Same paper").
SHARED_PAPERS = [  # ((project index, doi, title) ×2, journal, published on)
    (
        (
            0,
            "10.5555/natmed.2024.31415",
            "Immune–microbiome crosstalk in healthy ageing: a Japan–UK–Sweden cohort study",
        ),
        (
            5,
            "10.5555/NATMED.2024.31415",
            "Immune–microbiome crosstalk in healthy ageing: a Japan–UK–Sweden cohort study",
        ),
        "Nature Medicine",
        date(2024, 3, 15),
    ),
    (
        (
            1,
            "10.5555/ncomms.2024.27182",
            "An open multi-omics platform for Japan–Europe collaborative medical research",
        ),
        (
            2,
            "10.5555/NComms.2024.27182",
            "An open multi-omics platform for Japan–Europe collaborative medical research",
        ),
        "Nature Communications",
        date(2024, 9, 2),
    ),
    (  # no DOI: the same title up to case and spaces; before the second project's start
        (0, "", "Interferon signatures in ageing macrophages during mycobacterial infection"),
        (4, "", " interferon signatures in ageing  macrophages during Mycobacterial infection"),
        "Proceedings of the Keystone Symposium on Immunometabolism",
        date(2024, 1, 20),
    ),
]

HUBS = [  # (project index, name, country, established on, closed on)
    (0, "ASPIRE Tokyo–Oxford Immunology Hub", "GB", date(2024, 6, 1), None),
    (4, "Osaka–Pasteur AMR Research Hub", "FR", date(2023, 10, 1), None),  # before the start
    (2, "Madrid liquid-biopsy satellite laboratory", "ES", date(2024, 4, 1), date(2024, 12, 20)),
]

# --- Accounts ------------------------------------------------------------------------
STAFF = ("staff@aspire.example", "佐藤 美咲", "日本医療研究開発機構", "")
# The demo committee account sits in the chair of the evaluation committee (別紙1).
COMMITTEE = ("committee@aspire.example", "大曲 貴夫", "国立国際医療センター", "")
PI_EMAIL = "pi@aspire.example"  # the Japanese PI of the first flagship project
REVIEWERS = [  # e-mail, name, institution, reviewer code
    ("reviewer@aspire.example", "松本 直樹", "大阪大学", "AMED-R001"),
    ("reviewer2@aspire.example", "井上 真理子", "京都大学", "AMED-R002"),
    ("reviewer3@aspire.example", "木村 浩一", "東京大学", "AMED-R003"),
    ("reviewer4@aspire.example", "林 晶子", "九州大学", "AMED-R004"),
    ("reviewer5@aspire.example", "清水 隆", "名古屋大学", "AMED-R005"),
    ("reviewer6@aspire.example", "山口 さやか", "慶應義塾大学", "AMED-R006"),
    ("reviewer7@aspire.example", "森 健太郎", "北海道大学", "AMED-R007"),
    ("reviewer8@aspire.example", "池田 恵", "国立がん研究センター", "AMED-R008"),
    ("reviewer9@aspire.example", "橋本 大輔", "筑波大学", "AMED-R009"),
]
REVIEWS_PER_PROPOSAL = 3
DECLARED_CONFLICTS = [  # (reviewer, proposal ref, reason)
    ("reviewer@aspire.example", "ASPIRE-2024-3-AU-001", "提案者と過去5年以内に共著論文あり"),
]


# --- Names, institutions and words the generator draws from ---------------------------
def _words(text: str) -> list[str]:
    return text.split()


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split("|")]


def _people_of(given: str, family: str, institutions: str) -> tuple[list, list, list]:
    return _words(given), _words(family), _items(institutions)


JP_FAMILY = _words(
    "佐藤 鈴木 田中 山本 中村 吉田 山田 山口 松本 井上 "
    "木村 林 斎藤 清水 森 池田 橋本 阿部 石川 前田 藤田 "
    "小川 岡田 後藤 長谷川 村上 近藤 石井 坂本 遠藤 青木 "
    "藤井 西村 福田 太田 三浦 藤原 岡本 松田 中島"
)
JP_GIVEN = _words(
    "健一 直樹 誠 浩二 拓也 亮 隆 哲也 修 健太郎 和也 "
    "剛 純一 正人 聡 智子 由美子 恵 美穂 陽子 裕子 麻衣 "
    "彩 千尋 理恵 香織 奈々 久美子 綾香 明美"
)
JP_INSTITUTIONS = _words(
    "東京大学 京都大学 大阪大学 東北大学 名古屋大学 九州大学 "
    "北海道大学 慶應義塾大学 東京科学大学 千葉大学 神戸大学 "
    "岡山大学 熊本大学 金沢大学 広島大学 筑波大学 "
    "理化学研究所 国立がん研究センター "
    "国立精神・神経医療研究センター 順天堂大学"
)
PARTNERS = {  # country -> (given names, family names, institutions)
    "US": _people_of(
        "James Sarah Michael Emily David Jennifer Robert Laura Daniel Rachel",
        "Miller Johnson Anderson Thompson Chen Patel Rodriguez Williams Kim Goldberg",
        "Johns Hopkins University | Stanford University School of Medicine | "
        "University of California, San Francisco | Washington University in St. Louis | "
        "Mayo Clinic",
    ),
    "CA": _people_of(
        "Jean-François Emma Marc Olivia Ryan Isabelle Kevin Megan",
        "Tremblay Gagnon Roy Côté MacDonald Wilson Leblanc Campbell",
        "University of Toronto | McGill University | University of British Columbia | "
        "Université de Montréal | McMaster University",
    ),
    "GB": _people_of(
        "Oliver Charlotte Thomas Hannah William Sophie Edward Lucy",
        "Smith Taylor Wright Evans Hughes Walker Clarke Bennett",
        "University College London | Imperial College London | University of Cambridge | "
        "University of Edinburgh | King's College London",
    ),
    "DE": _people_of(
        "Stefan Katrin Jürgen Anna Tobias Julia Andreas Sabine",
        "Müller Schmidt Schneider Fischer Wagner Becker Hoffmann Schulz",
        "Charité – Universitätsmedizin Berlin | Heidelberg University | LMU Munich | "
        "University of Freiburg | Max Delbrück Center",
    ),
    "FR": _people_of(
        "Pierre Camille Nicolas Julien Élodie Antoine Sophie Mathieu",
        "Martin Bernard Moreau Laurent Lefebvre Girard Fontaine Rousseau",
        "Sorbonne Université | Université Paris Cité | Institut Curie | "
        "Université de Strasbourg | Université de Lyon",
    ),
    "IT": _people_of(
        "Marco Giulia Alessandro Francesca Luca Chiara",
        "Rossi Russo Ferrari Esposito Bianchi Romano",
        "University of Milan | Sapienza University of Rome | "
        "San Raffaele Scientific Institute | University of Padua",
    ),
    "ES": _people_of(
        "Lucía Carlos María Pablo Elena Sergio",
        "Fernández López Martínez Sánchez Pérez Gómez",
        "University of Barcelona | Centre for Genomic Regulation | University of Valencia | "
        "Vall d'Hebron Institute of Oncology",
    ),
    "NL": _people_of(
        "Jan Sanne Pieter Femke Bas Lotte",
        "Dekker Jansen Bakker Visser Smit Meijer",
        "Erasmus MC | Leiden University Medical Center | Amsterdam UMC | "
        "Radboud University Medical Center",
    ),
    "SE": _people_of(
        "Anna Lars Karin Johan Maria Henrik",
        "Johansson Karlsson Nilsson Eriksson Larsson Olsson",
        "Uppsala University | Lund University | University of Gothenburg",
    ),
    "CH": _people_of(
        "Reto Andrea Lukas Nadine Simon Corinne",
        "Meier Keller Brunner Baumann Zimmermann Frei",
        "University of Zurich | ETH Zurich | University of Basel | University of Geneva",
    ),
    "AU": _people_of(
        "Jack Chloe Liam Isla Noah Grace",
        "Nguyen Brown Wilson O'Brien Kelly Ryan",
        "University of Melbourne | University of Sydney | Walter and Eliza Hall Institute | "
        "Monash University",
    ),
}
COUNTRY_NAMES = {  # fixed English names: titles must not follow the active language
    "US": "US", "CA": "Canada", "GB": "UK", "DE": "Germany", "FR": "France", "IT": "Italy",
    "ES": "Spain", "NL": "Netherlands", "SE": "Sweden", "CH": "Switzerland", "AU": "Australia",
}  # fmt: skip
PROPOSAL_TOPICS = _items(
    "tumour immune evasion | Alzheimer's disease biomarkers | antimicrobial resistance | "
    "cardiac regeneration | rare disease gene therapy | sepsis immunology | long COVID | "
    "Parkinson's disease progression | paediatric leukaemia | kidney fibrosis | "
    "mRNA vaccine design | neurodevelopmental disorders | liver cancer screening | "
    "osteoarthritis | muscle stem cells | influenza pathogenesis | dementia care data | "
    "lung cancer evolution | inflammatory bowel disease | hearing loss | "
    "obesity and the brain | skin microbiome | heart failure with preserved ejection fraction | "
    "CAR-T cell therapy"
)
PROPOSAL_PATTERNS = [
    "Decoding {t} with multi-omics and AI",
    "Targeting {t}: a Japan–{c} translational programme",
    "Cross-national cohort study of {t}",
    "Organoid and animal models of {t}",
    "Mechanisms of {t} revealed by single-cell and spatial omics",
    "Precision medicine for {t}",
]
OUTPUT_PATTERNS = [
    "Single-cell profiling of {t}",
    "A cross-national analysis of {t}",
    "Spatial transcriptomics of {t}",
    "Machine-learning prediction of {t}",
    "Longitudinal study of {t}",
    "CRISPR screens uncover regulators of {t}",
    "Mechanistic insights into {t}",
    "Multi-omic signatures of {t}",
]
DOI_STEMS = {  # journal -> DOI suffix stem; the DOIs use Crossref's test prefix 10.5555
    "Nature Communications": "ncomms", "Cell Reports": "celrep", "eLife": "elife",
    "Immunity": "immuni", "International Immunology": "intimm", "Cell Stem Cell": "stem",
    "Stem Cell Reports": "stemcr", "Science Translational Medicine": "stm", "Gut": "gut",
    "Cancer Science": "cas", "Neuron": "neuron", "Neuroscience Research": "neures",
    "PLOS Pathogens": "ppat", "Journal of Clinical Investigation": "jci",
    "Microbiology and Immunology": "mim",
}  # fmt: skip
CONFERENCES = [  # (name, country, first day): real meetings of FY2023–FY2024
    ("ASCO Gastrointestinal Cancers Symposium 2024", "US", date(2024, 1, 18)),
    ("Biophysical Society Annual Meeting 2024", "US", date(2024, 2, 10)),
    ("AAAS Annual Meeting 2024", "US", date(2024, 2, 15)),
    ("CROI 2024", "US", date(2024, 3, 3)),
    ("AACR Annual Meeting 2024", "US", date(2024, 4, 5)),
    ("ESCMID Global 2024", "ES", date(2024, 4, 27)),
    ("ARVO 2024 Annual Meeting", "US", date(2024, 5, 5)),
    ("Digestive Disease Week 2024", "US", date(2024, 5, 18)),
    ("ESHG Conference 2024", "DE", date(2024, 6, 1)),
    ("ASM Microbe 2024", "US", date(2024, 6, 13)),
    ("FENS Forum 2024", "AT", date(2024, 6, 25)),
    ("ISSCR 2024 Annual Meeting", "DE", date(2024, 7, 10)),
    ("ISMB 2024", "CA", date(2024, 7, 12)),
    ("AAIC 2024", "US", date(2024, 7, 28)),
    ("ESC Congress 2024", "GB", date(2024, 8, 30)),
    ("EASD 2024 Annual Meeting", "ES", date(2024, 9, 9)),
    ("ESMO Congress 2024", "ES", date(2024, 9, 13)),
    ("Neuroscience 2024 (SfN)", "US", date(2024, 10, 5)),
    ("ASHG 2024 Annual Meeting", "US", date(2024, 11, 5)),
    ("Union World Conference on Lung Health 2024", "ID", date(2024, 11, 12)),
    ("ASCO Gastrointestinal Cancers Symposium 2025", "US", date(2025, 1, 23)),
    ("AAAS Annual Meeting 2025", "US", date(2025, 2, 13)),
    ("Biophysical Society Annual Meeting 2025", "US", date(2025, 2, 15)),
    ("CROI 2025", "US", date(2025, 3, 9)),
]
CONFERENCES_BEFORE = [("ASHG 2023 Annual Meeting", "US", date(2023, 11, 1))]
DOMESTIC_CONFERENCES = [
    ("第47回日本神経科学大会", date(2024, 7, 24)),
    ("第83回日本癌学会学術総会", date(2024, 9, 19)),
    ("第47回日本分子生物学会年会", date(2024, 11, 27)),
    ("第53回日本免疫学会学術集会", date(2024, 12, 3)),
]
PURPOSES = {  # (direction, long stay) -> what the stay was for
    (Direction.DISPATCH, False): [
        "国際学会での発表と相手先研究室での研究討議",
        "共同実験の計画打合せ（相手側PIとの対面協議）",
        "合同ワークショップの共同開催",
        "試料・データの受け渡しと解析プロトコルの統一",
        "進捗会議とサイトビジット",
        "相手先イメージング施設での技術研修",
    ],
    (Direction.DISPATCH, True): [
        "相手先研究室での共同実験（長期滞在）",
        "単一細胞解析技術の習得と共同データ解析",
        "相手国コホート試料の解析と論文共同執筆",
    ],
    (Direction.RECEIVE, False): [
        "日本側研究室でのセミナー講演と共同研究打合せ",
        "合同ワークショップでの講演",
        "共同研究の進捗会議と実験施設の見学",
    ],
    (Direction.RECEIVE, True): [
        "日本側研究室での共同実験（長期滞在）",
        "日本側の解析基盤を用いた共同データ解析",
    ],
}
SHORT_DAYS = [3, 4, 5, 5, 6, 7, 7]
LONG_DAYS = [14, 21, 28, 30, 45, 60, 90, 120, 180]
TRAVEL_COST_PER_TRIP = {2023: 410_000, 2024: 530_000}  # yen; the weak yen (000 別紙3 目標4)
SURVEY_GAINS = {  # after - before, cycled over the people: every item up, the first three most
    "networking": [2, 1, 2, 2, 1],
    "communication": [1, 2, 1, 2, 1],
    "expertise": [1, 1, 2, 1, 1],
    "language": [1, 0, 1, 0, 0],
    "leadership": [0, 1, 0, 0, 0],
}
YOUNG_STAGES = [CareerStage.STUDENT, CareerStage.POSTDOC, CareerStage.EARLY_CAREER]


# --- Writing by natural key ------------------------------------------------------------
def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Country):
        return value.code
    return value


def _stored(model, name: str, value):
    """The value as the field stores it: the plan spells some names and DOIs as PIs do."""
    field = model._meta.get_field(name)
    return _plain(field.to_python(value) if isinstance(field, NormalisedCharField) else value)


def _sync(model, key: tuple[str, ...], rows: list[dict], existing=None) -> dict:
    """Create the missing rows, update those that differ, leave equal ones untouched.

    `rows` are dicts of field name -> value; `key` names the fields of the natural key.
    Returns the objects by key value (a tuple, or the value itself for a one-field key).
    """
    meta = model._meta
    existing = model._default_manager.all() if existing is None else existing
    by_key = {
        tuple(_plain(getattr(obj, meta.get_field(f).attname)) for f in key): obj for obj in existing
    }
    result, new = {}, []
    for row in rows:
        row_key = tuple(_stored(model, f, row[f]) for f in key)
        obj = by_key.get(row_key)
        if obj is None:
            obj = model(**row)
            new.append(obj)
        else:
            changed = [
                name
                for name, value in row.items()
                if _plain(getattr(obj, meta.get_field(name).attname)) != _stored(model, name, value)
            ]
            if changed:
                for name in changed:
                    setattr(obj, name, row[name])
                obj.save()
        result[row_key if len(key) > 1 else row_key[0]] = obj
    if new and hasattr(model, "history"):
        bulk_create_with_history(new, model)
    elif new:
        model._default_manager.bulk_create(new)
    return result


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _add_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def _counted_until(flagship: Flagship) -> date:
    return fiscal_year_end(flagship.draft_fy - 1) if flagship.draft_fy else AS_OF


# --- The loader ------------------------------------------------------------------------
@dataclass
class Demo:
    """What load_demo() wrote, for the command's summary."""

    accounts: list[tuple[str, str]]  # (role label, e-mail)
    password: str
    counts: dict[str, int]
    second_factors: list["SecondFactor"] = field(default_factory=list)


@dataclass
class SecondFactor:
    """The TOTP app and recovery codes of a demo account that needs a second factor."""

    email: str
    uri: str  # otpauth://, for an authenticator app (or `oathtool --totp -b SECRET`)
    secret: str
    recovery_codes: list[str]  # those still unused


def check_plan() -> None:
    """The plan adds up to the figures of 000 §3 (the tests check what lands in the database)."""
    opened = [call for call in CALLS if call.open_date and call.open_date <= AS_OF]
    partners = [fa for fa in PARTNER_FAS if any(fa[0] in call.partners for call in opened)]
    checks = {  # name: (planned, wanted)
        "joint calls": (sum(call.kind == CallKind.JOINT for call in opened), JOINT_CALLS_HELD),
        "planned calls": (len(CALLS) - len(opened), CALLS_PLANNED),
        "partner agencies": (len(partners), PARTNER_AGENCIES),
        "partner countries": (len({country for *_fa, country in partners}), PARTNER_COUNTRIES),
        "proposals": (sum(call.proposals for call in opened), PROPOSALS),
        "adopted": (sum(call.adopted for call in opened), ADOPTED),
        "adoptable": (sum(call.adoptable for call in opened), ADOPTABLE),
        "first-call projects": (len(FLAGSHIPS), FIRST_CALL_PROJECTS),
        "papers": (sum(f.papers for f in FLAGSHIPS) + len(SHARED_PAPERS), INTL_PAPERS),
        "presentations": (sum(f.presentations for f in FLAGSHIPS), INTL_PRESENTATIONS),
        "events": (sum(len(f.events) for f in FLAGSHIPS), EVENTS),
        "received": (sum(f.received for f in FLAGSHIPS), RESEARCHERS_RECEIVED),
        "young received": (sum(f.young_received for f in FLAGSHIPS), YOUNG_RECEIVED),
        "dispatched": (sum(f.dispatched for f in FLAGSHIPS), DISPATCHED),
        "young dispatched": (sum(f.young_dispatched for f in FLAGSHIPS), YOUNG_DISPATCHED),
    }
    wrong = {name: pair for name, pair in checks.items() if pair[0] != pair[1]}
    if wrong:
        raise ValueError(f"The demo plan does not add up (planned, wanted): {wrong}")


@transaction.atomic
def load_demo(password: str = DEFAULT_PASSWORD) -> Demo:
    check_plan()
    load_catalogue()
    program = Program.objects.get(code=PROGRAM)
    agencies = _agencies()
    users = _users(password)
    second_factors = [_second_factor(users[email]) for email in (STAFF[0], COMMITTEE[0])]
    calls = _calls(program, agencies)
    proposals = _proposals(calls)
    _reviews(program, proposals, users)
    projects = _projects(proposals, users)
    _reports_and_outputs(projects)
    stored_figures.refresh_program(program)  # bulk_create sends no signal
    call_figures.refresh_program(program)
    _targets(program)
    _policy_and_goals(program)
    _evaluation(program, users[COMMITTEE[0]])
    _open_year(program)
    accounts = [
        (str(Role.STAFF.label), STAFF[0]),
        (str(Role.PI.label), PI_EMAIL),
        (str(Role.COMMITTEE.label), COMMITTEE[0]),
        (str(Role.REVIEWER.label), REVIEWERS[0][0]),
    ]
    counts = {
        "calls": len(calls),
        "proposals": len(proposals),
        "projects": len(projects),
        "reviewers": len(REVIEWERS),
    }
    return Demo(accounts, password, counts, second_factors)


def _agencies() -> dict[str, FundingAgency]:
    rows = [
        {"code": code, "name": name, "name_ja": name_ja, "country": country}
        for code, name, name_ja, country in PARTNER_FAS
    ]
    return _sync(FundingAgency, ("code",), rows)


def _users(password: str) -> dict[str, User]:
    pi_name, pi_institution, _h = FLAGSHIPS[0].jp_pi
    people = [  # e-mail, name, institution, reviewer code, groups, superuser
        (*STAFF, [Role.STAFF], True),
        (PI_EMAIL, pi_name, pi_institution, "", [Role.PI], False),
        (*COMMITTEE, [Role.COMMITTEE], False),
        *[(*reviewer, [Role.REVIEWER], False) for reviewer in REVIEWERS],
    ]
    rows = [
        {
            "email": email,
            "full_name": name,
            "institution": institution,
            "reviewer_code": code or None,
            # The admin is the demo's door: every account may enter it; what each sees
            # there is decided by the rules of accounts/rules.py.
            "is_staff": True,
            "is_superuser": superuser,
            "is_active": True,
        }
        for email, name, institution, code, _groups, superuser in people
    ]
    users = _sync(User, ("email",), rows, User.objects.filter(email__in=[r["email"] for r in rows]))
    # The groups come from accounts' data migration; made here too should they be missing.
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role}
    for email, _name, _institution, _code, roles, _superuser in people:
        users[email].groups.add(*[groups[role] for role in roles])
    _set_password(users.values(), password)
    return users


def _second_factor(user: User) -> SecondFactor:
    """Staff and the committee sign in with a TOTP app (accounts/two_factor.py): the demo
    enrols one for each, once, with a random key of this database, never one published."""
    device = two_factor.app_device(user)
    if device is None:
        device, _codes = two_factor.enrol(user)
    codes = StaticToken.objects.filter(device__user=user, device__name=two_factor.RECOVERY_DEVICE)
    return SecondFactor(
        email=user.email,
        uri=device.config_url,
        secret=two_factor.secret(device).replace(" ", ""),
        recovery_codes=sorted(codes.values_list("token", flat=True)),
    )


def _set_password(users, password: str) -> None:
    """Give the accounts the password, unless they have it already (a rerun writes nothing).

    Hashing and checking take half a second each: the accounts share one hash, so that
    one check and at most one hashing cover them all.
    """
    checked = {}
    stale = []
    for user in users:
        if user.password not in checked:
            checked[user.password] = check_password(password, user.password)
        if not checked[user.password]:
            stale.append(user)
    if stale:
        encoded = make_password(password)
        for user in stale:
            user.password = encoded
            user.save(update_fields=["password"])


def _calls(program: Program, agencies: dict) -> dict[str, Call]:
    support = {s.code: s for s in SupportType.objects.filter(program=program)}
    rows = [
        {
            "program": program,
            "code": plan.code,
            "kind": plan.kind,
            "title": plan.title,
            "support_type": support[plan.support_type],
            "open_date": plan.open_date,
            "close_date": plan.close_date,
            "adoptable_score": Decimal(6),
        }
        for plan in CALLS
    ]
    calls = _sync(Call, ("code",), rows, Call.objects.filter(code__in=[p.code for p in CALLS]))
    for plan in CALLS:
        calls[plan.code].partner_agencies.set([agencies[code] for code in plan.partners])
    return calls


# --- Proposals and reviews -------------------------------------------------------------
def _plan_proposals() -> list[dict]:
    """Every proposal of the opened calls, in memory: refs, PIs, status and scores."""
    rng = random.Random(f"{SEED}-proposals")
    taken = {flagship.jp_pi[0] for flagship in FLAGSHIPS}
    flagships = iter(FLAGSHIPS)
    plans = []
    for call in CALLS:
        outcomes = (
            ["adopted"] * call.adopted
            + ["adoptable"] * (call.adoptable - call.adopted)
            + ["below"] * (call.proposals - call.adoptable)
        )
        rng.shuffle(outcomes)
        outcomes += ["withdrawn"] * call.withdrawn
        for number, outcome in enumerate(outcomes, start=1):
            flagship = next(flagships) if call.code == FIRST_CALL and outcome == "adopted" else None
            plans.append(_plan_proposal(rng, call, number, outcome, flagship, taken))
    return plans


def _plan_proposal(rng, call: CallPlan, number: int, outcome: str, flagship, taken) -> dict:
    if flagship:
        jp = flagship.jp_pi
        partner = flagship.partner_pi
        title, budget = flagship.title, flagship.budget_million * MILLION
    else:
        jp = (_jp_name(rng, taken), rng.choice(JP_INSTITUTIONS), _h_index(rng, outcome, 40))
        country = rng.choice(_partner_countries(call))
        given, family, institutions = PARTNERS[country]
        partner_name = f"{rng.choice(given)} {rng.choice(family)}"
        partner = (partner_name, rng.choice(institutions), country, _h_index(rng, outcome, 60))
        topic = rng.choice(PROPOSAL_TOPICS)
        title = rng.choice(PROPOSAL_PATTERNS).format(t=topic, c=COUNTRY_NAMES[country])
        budget = rng.choice([20, 25, 30] if call.support_type == "TYPE-2" else [60, 80, 100])
        budget *= MILLION
    scores, panel = _plan_scores(rng, outcome)
    return {
        "call": call,
        "ref": f"{call.code}-{number:03d}",
        "title": title,
        "jp_pi": jp,
        "partner_pi": partner,
        "budget": budget,
        "status": {
            "adopted": ProposalStatus.ADOPTED,
            "withdrawn": ProposalStatus.WITHDRAWN,
        }.get(outcome, ProposalStatus.REJECTED),
        "scores": scores,
        "panel": panel,
    }


def _partner_countries(call: CallPlan) -> list[str]:
    countries = {country for code, _n, _j, country in PARTNER_FAS if code in call.partners}
    return sorted(countries)


def _jp_name(rng, taken: set) -> str:
    while True:
        name = f"{rng.choice(JP_FAMILY)} {rng.choice(JP_GIVEN)}"
        if name not in taken:
            taken.add(name)
            return name


def _h_index(rng, outcome: str, centre: int) -> int | None:
    if outcome != "adopted" and rng.random() < 0.05:
        return None  # not given
    spread = 14 if outcome == "adopted" else 22
    return max(5, centre + rng.randint(-spread, spread))


def _plan_scores(rng, outcome: str) -> tuple[list[int], Decimal | None]:
    """Three reviewers' scores and perhaps a panel score whose final score fits the outcome.

    The final score is the panel score where one is set, else the reviewers' mean; a panel
    score may overrule a mean on the other side of 6.
    """
    if outcome == "withdrawn":
        return [], None
    if rng.random() < 0.2:
        scores = [rng.randint(4, 8) for _ in range(REVIEWS_PER_PROPOSAL)]
        low, high = {"adopted": (16, 19), "adoptable": (12, 15), "below": (6, 11)}[outcome]
        return scores, Decimal(rng.randint(low, high)) / 2
    low, high, fits = {
        "adopted": (7, 10, lambda m: m >= 7.5),
        "adoptable": (5, 9, lambda m: 6 <= m < 8),
        "below": (2, 7, lambda m: m < 6),
    }[outcome]
    while True:
        scores = [rng.randint(low, high) for _ in range(REVIEWS_PER_PROPOSAL)]
        if fits(mean(scores)):
            return scores, None


def _proposals(calls: dict) -> list[tuple[dict, Proposal]]:
    plans = _plan_proposals()
    researchers = _researchers(plans)
    rows = [
        {
            "call": calls[plan["call"].code],
            "ref": plan["ref"],
            "title": plan["title"],
            "jp_pi": researchers[plan["jp_pi"][:2]],
            "partner_pi": researchers[plan["partner_pi"][:2]],
            "requested_annual_budget_yen": plan["budget"],
            "requested_years": 5,
            "status": plan["status"],
            "panel_score": plan["panel"],
            "decided_on": _decided_on(plan),
        }
        for plan in plans
    ]
    refs = [row["ref"] for row in rows]
    proposals = _sync(Proposal, ("ref",), rows, Proposal.objects.filter(ref__in=refs))
    return [(plan, proposals[plan["ref"]]) for plan in plans]


def _decided_on(plan: dict) -> date | None:
    """Adoption and rejection are decided about three months after a call closes (as
    calls.services.decide would have dated them then); a withdrawn proposal has no date."""
    close = plan["call"].close_date
    decided = plan["status"] in (ProposalStatus.ADOPTED, ProposalStatus.REJECTED)
    return close + datetime.timedelta(days=90) if decided and close else None


def _researchers(plans: list[dict]) -> dict:
    pi_user = User.objects.get(email=PI_EMAIL)
    rows = {}
    for plan in plans:
        name, institution, h_index = plan["jp_pi"]
        rows[(name, institution)] = {
            "name": name,
            "institution": institution,
            "country": "JP",
            "h_index": h_index,
            "career_stage": CareerStage.SENIOR,
            "erad_number": f"{10_000_000 + len(rows) * 7_919:08d}",
        }
        name, institution, country, h_index = plan["partner_pi"]
        rows[(name, institution)] = {
            "name": name,
            "institution": institution,
            "country": country,
            "h_index": h_index,
            "career_stage": CareerStage.SENIOR,
        }
    rows[FLAGSHIPS[0].jp_pi[:2]]["user"] = pi_user
    return _sync(Researcher, ("name", "institution"), list(rows.values()))


def _reviews(program: Program, proposals: list, users: dict) -> None:
    """Three reviewers per proposal, never one of the PIs' institution or a declared conflict."""
    declared = {(email, ref) for email, ref, _reason in DECLARED_CONFLICTS}
    reviewers = cycle(REVIEWERS)
    rows = []
    for plan, proposal in proposals:
        institutions = {plan["jp_pi"][1].casefold(), plan["partner_pi"][1].casefold()}
        chosen = []
        while len(chosen) < len(plan["scores"]):
            email, _name, institution, _code = next(reviewers)
            if (
                institution.casefold() not in institutions
                and (email, plan["ref"]) not in declared
                and email not in chosen
            ):
                chosen.append(email)
        for email, score in zip(chosen, plan["scores"], strict=True):
            rows.append(
                {
                    "proposal": proposal,
                    "reviewer": users[email],
                    "score": Decimal(score),
                    "comment": _review_comment(score),
                }
            )
    existing = Review.objects.filter(proposal__call__program=program)
    _sync(Review, ("proposal", "reviewer"), rows, existing)
    scores.refresh_set(Proposal.objects.filter(call__program=program))  # new ones: bulk
    by_ref = {proposal.ref: proposal for _plan, proposal in proposals}
    conflicts = [
        {"reviewer": users[email], "proposal": by_ref[ref], "reason": reason}
        for email, ref, reason in DECLARED_CONFLICTS
    ]
    _sync(ConflictOfInterest, ("reviewer", "proposal"), conflicts)


def _review_comment(score: int) -> str:
    if score >= 8:
        return "国際共同研究の必然性が明確で、相手側チームとの相乗効果が大いに期待できる。"
    if score >= 6:
        return "独創的な提案だが、若手研究者の派遣計画をより具体化されたい。"
    return "相手側との役割分担が不明確であり、研究計画の実現可能性に懸念がある。"


# --- Projects --------------------------------------------------------------------------
def _projects(proposals: list, users: dict) -> list[tuple[Flagship | None, Project]]:
    """A project for each adopted proposal: the first call's started in FY2023, the rest later."""
    flagship_by_title = {flagship.title: flagship for flagship in FLAGSHIPS}
    adopted = [(p, obj) for p, obj in proposals if p["status"] == ProposalStatus.ADOPTED]
    rows, plans = [], []
    for plan, proposal in adopted:
        flagship = flagship_by_title.get(plan["title"]) if plan["call"].code == FIRST_CALL else None
        start = flagship.start if flagship else plan["call"].project_start
        rows.append(
            {
                "proposal": proposal,
                "call": proposal.call,  # bulk writes run no save(): Project.call as it would
                "code": proposal.ref,
                "title": proposal.title,
                "start_date": start,
                "end_date": _add_years(start, 5) - datetime.timedelta(days=1),
            }
        )
        # What adoption awarded: the budget a fiscal year, over each year it touches.
        end = rows[-1]["end_date"]
        years = fiscal_year(end) - fiscal_year(start) + 1
        rows[-1] |= {
            "awarded_annual_yen": plan["budget"],
            "awarded_total_yen": plan["budget"] * years,
        }
        plans.append((flagship, plan))
    codes = [row["code"] for row in rows]
    projects = _sync(Project, ("code",), rows, Project.objects.filter(code__in=codes))
    budgets = [
        {"project": projects[row["code"]], "fiscal_year": year, "amount_yen": plan["budget"]}
        for row, (_flagship, plan) in zip(rows, plans, strict=True)
        for year in range(fiscal_year(row["start_date"]), fiscal_year(row["end_date"]) + 1)
    ]
    in_demo = list(projects.values())
    _sync(
        ProjectBudget,
        ("project", "fiscal_year"),
        budgets,
        ProjectBudget.objects.filter(project__in=in_demo),
    )
    pi_project = next(
        projects[row["code"]] for row, (f, _p) in zip(rows, plans, strict=True) if f == FLAGSHIPS[0]
    )
    _sync(
        ProjectMember,
        ("project", "user"),
        [{"project": pi_project, "user": users[PI_EMAIL], "role": MemberRole.PI}],
        ProjectMember.objects.filter(project__in=in_demo),
    )
    return [
        (flagship, projects[row["code"]]) for row, (flagship, _p) in zip(rows, plans, strict=True)
    ]


# --- Annual reports and what they report -----------------------------------------------
def _reports_and_outputs(projects: list) -> None:
    flagships = sorted(
        ((f, p) for f, p in projects if f is not None), key=lambda fp: FLAGSHIPS.index(fp[0])
    )
    assert len(flagships) == FIRST_CALL_PROJECTS
    later = [project for flagship, project in projects if flagship is None]
    outputs = {
        "papers": _plan_papers(flagships),
        "presentations": _plan_presentations(flagships),
        "events": _plan_events(flagships),
        "exchanges": _plan_exchanges(flagships),
    }
    reports = _reports(flagships, later[0], outputs["exchanges"])
    in_demo = [project for _f, project in projects]
    for kind, model, key in [
        ("papers", Paper, ("project", "dedupe_key")),
        ("presentations", Presentation, ("project", "title", "presented_on")),
        ("events", Event, ("project", "title", "held_on")),
        ("exchanges", Exchange, ("project", "person", "direction", "start_date")),
    ]:
        rows = [_in_report(row, reports) for row in outputs[kind]]
        _sync(model, key, rows, model.objects.filter(project__in=in_demo))
    _lab_statistics(flagships, later[0], reports)
    _hubs(flagships, later[0])
    _surveys(flagships, outputs["exchanges"])


def _in_report(row: dict, reports: dict) -> dict:
    """The output lands in its project's report of the fiscal year of its date."""
    row = dict(row)
    day = row.pop("_date")
    row["report"] = reports[(row["project"].pk, fiscal_year(day))]
    return row


def _reports(flagships: list, later: Project, exchanges: list) -> dict:
    rng = random.Random(f"{SEED}-reports")
    rows = []
    for flagship, project in flagships:
        first = fiscal_year(flagship.start)
        for year in range(first - 1, fiscal_year(AS_OF) + 1):
            rows.append(_report_row(rng, flagship, project, year, exchanges))
    # A project of a later call sent its lab-wide baseline early; it has not started yet.
    rows.append(
        {
            "project": later,
            "fiscal_year": fiscal_year(later.start_date) - 1,
            "status": ReportStatus.ACCEPTED,
            "staff_comment": "採択時に提出された実施前（ベースライン）の研究室全体の実績。",
            "submitted_at": datetime.datetime(2025, 3, 14, 10, 0, tzinfo=JST),
        }
    )
    projects = [project for _f, project in flagships] + [later]
    existing = AnnualReport.objects.filter(project__in=projects)
    return _sync(AnnualReport, ("project", "fiscal_year"), rows, existing)


def _report_row(rng, flagship: Flagship, project: Project, year: int, exchanges: list) -> dict:
    if year < fiscal_year(flagship.start):  # the lab-wide baseline of the year before
        return {
            "project": project,
            "fiscal_year": year,
            "status": ReportStatus.ACCEPTED,
            "staff_comment": "実施前（ベースライン）の研究室全体の実績。",
            "submitted_at": datetime.datetime(2024, 4, 26, 17, 0, tzinfo=JST),
        }
    draft = year == flagship.draft_fy
    trips = sum(
        1
        for row in exchanges
        if row["project"] == project
        and row["direction"] == Direction.DISPATCH
        and row["funded_by_program"]
        and fiscal_year(row["_date"]) == year
    ) + rng.randint(1, 3)  # conference trips, not exchanges with the partner
    cost = sum(TRAVEL_COST_PER_TRIP[year] * rng.randint(85, 115) // 100 for _ in range(trips))
    reason = flagship.buyout[year]
    return {
        "project": project,
        "fiscal_year": year,
        "status": ReportStatus.DRAFT if draft else ReportStatus.ACCEPTED,
        "buyout_used": not reason,
        "buyout_reason": reason,
        "travel_trips": trips,
        "travel_cost_yen": cost // 1000 * 1000,
        "staff_comment": "" if draft else "PO確認済み。",
        # FY2024's were asked for early, in March 2025, for the mid-term evaluation.
        "submitted_at": None
        if draft
        else datetime.datetime(year + 1, 4 if year < 2024 else 3, 26, 17, 0, tzinfo=JST),
    }


def _plan_papers(flagships: list) -> list[dict]:
    rng = random.Random(f"{SEED}-papers")
    serials = iter(range(40_101, 49_999, 137))
    with_doi = cycle([True, False])
    rows = []
    for flagship, project in flagships:
        titles = _titles(rng, OUTPUT_PATTERNS, flagship.topics)
        start, until = flagship.start, _counted_until(flagship)
        planned = [(_day(rng, start, until), True, True) for _ in range(flagship.papers)]
        if flagship.national_journal:  # in a Japanese journal, no foreign co-author
            planned.append((_day(rng, start, until), False, True))
        for number in range(flagship.papers_before_start):  # one with a DOI, one without
            before = start - datetime.timedelta(days=40 + 30 * number)
            planned.append((before, True, next(with_doi)))
        if flagship.draft_fy:  # reported in the draft: not counted until it is accepted
            first = fiscal_year_start(flagship.draft_fy)
            planned += [(_day(rng, first, AS_OF), True, True) for _ in range(2)]
        for day, international, has_doi in planned:
            journal = rng.choice(flagship.journals) if international else flagship.national_journal
            doi = f"10.5555/{DOI_STEMS[journal]}.{day.year}.{next(serials)}" if has_doi else ""
            rows.append(_paper_row(project, doi, next(titles), journal, day, international))
    for *reports, journal, day in SHARED_PAPERS:
        for index, doi, title in reports:
            rows.append(_paper_row(flagships[index][1], doi, title, journal, day, True))
    return rows


def _paper_row(project, doi, title, journal, day, international) -> dict:
    return {
        "project": project,
        "doi": doi,
        "title": title,
        "journal": journal,
        "published_on": day,
        "international_coauthored": international,
        "dedupe_key": paper_key(doi, title),  # bulk creation skips Paper.save()
        "_date": day,
    }


def _titles(rng, patterns: list[str], topics: tuple[str, ...]):
    """Distinct titles, in a shuffled but fixed order."""
    titles = [pattern.format(t=topic) for pattern in patterns for topic in topics]
    rng.shuffle(titles)
    return iter(titles)


def _plan_presentations(flagships: list) -> list[dict]:
    rng = random.Random(f"{SEED}-presentations")
    rows = []

    def presentation(project, title, conference, international):
        name, country, first_day = conference
        day = first_day + datetime.timedelta(days=rng.randint(0, 2))
        return {
            "project": project,
            "title": title,
            "conference": name,
            "country": country,
            "presented_on": day,
            "international": international,
            "_date": day,
        }

    for flagship, project in flagships:
        titles = _titles(rng, OUTPUT_PATTERNS, flagship.topics)
        counted = _conferences(flagship.start, _counted_until(flagship))
        for _ in range(flagship.presentations):
            rows.append(presentation(project, next(titles), rng.choice(counted), True))
        for name, day in DOMESTIC_CONFERENCES[: flagship.presentations_domestic]:
            rows.append(presentation(project, next(titles), (name, "JP", day), False))
        for conference in CONFERENCES_BEFORE[: flagship.presentations_before_start]:
            rows.append(presentation(project, next(titles), conference, True))
        if flagship.draft_fy:
            drafted = _conferences(fiscal_year_start(flagship.draft_fy), AS_OF)
            for _ in range(3):
                rows.append(presentation(project, next(titles), rng.choice(drafted), True))
    return rows


def _conferences(first: date, last: date) -> list:
    # the last day of a meeting (first day + 2) must still be in the window
    return [c for c in CONFERENCES if first <= c[2] and c[2] + datetime.timedelta(days=2) <= last]


EVENT_TITLES = {
    "workshop": "{pair} {label} Workshop",
    "symposium": "International Symposium on {label}",
    "seminar": "ASPIRE {label} Seminar",
    "lecture_tour": "{partner} Lecture Tour in Japan",
    "other": "{label} Joint Data Hackathon",
}


def _plan_events(flagships: list) -> list[dict]:
    rng = random.Random(f"{SEED}-events")
    rows = []
    for flagship, project in flagships:
        kinds = [(kind, flagship.start, _counted_until(flagship)) for kind in flagship.events]
        if flagship.draft_fy:
            draft_start = fiscal_year_start(flagship.draft_fy)
            kinds += [("workshop", draft_start, AS_OF), ("seminar", draft_start, AS_OF)]
        for number, (kind, first, last) in enumerate(kinds):
            day = _day(rng, first, last)
            country = "JP" if kind == "lecture_tour" or number % 2 else flagship.partner_pi[2]
            rows.append(_event_row(rng, flagship, project, kind, day, country))
        for _ in range(flagship.events_before_start):  # the kick-off, before the start
            day = flagship.start - datetime.timedelta(days=17)
            title = f"{flagship.pair} {flagship.label} Kick-off Meeting"
            rows.append(_event_row(rng, flagship, project, "other", day, "JP", title))
    return _number_repeats(rows)


def _event_row(rng, flagship, project, kind, day, country, title=None) -> dict:
    title = title or EVENT_TITLES[kind].format(
        pair=flagship.pair, label=flagship.label, partner=flagship.partner_pi[0]
    )
    return {
        "project": project,
        "kind": kind,
        "title": f"{title} {day.year}",
        "held_on": day,
        "country": country,
        "participants": rng.randint(18, 140),
        "_date": day,
    }


def _number_repeats(rows: list[dict]) -> list[dict]:
    """The second "Workshop 2024" of a project becomes "Workshop 2024 (2)", and so on."""
    seen: dict = {}
    for row in sorted(rows, key=lambda r: (r["project"].pk, r["held_on"])):
        key = (row["project"].pk, row["title"])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            row["title"] = f"{row['title']} ({seen[key]})"
    return rows


def _plan_exchanges(flagships: list) -> list[dict]:
    rng = random.Random(f"{SEED}-exchanges")
    rows = []
    for flagship, project in flagships:
        start, until = flagship.start, _counted_until(flagship)
        young = [(name, YOUNG_STAGES[n % 3]) for n, name in enumerate(flagship.young_people)]
        seniors = [
            (flagship.jp_pi[0], CareerStage.SENIOR),
            (f"{rng.choice(JP_FAMILY)} {rng.choice(JP_GIVEN)}", CareerStage.MID_CAREER),
        ]
        visitors = _visitors(rng, flagship)
        hosts = [(flagship.partner_pi[0], CareerStage.SENIOR)]
        trips = [  # (direction, travellers, first day, last day, funded by the program)
            *[(Direction.DISPATCH, young, start, until, True)] * flagship.young_dispatched,
            *[(Direction.DISPATCH, seniors, start, until, True)]
            * (flagship.dispatched - flagship.young_dispatched),
            *[(Direction.RECEIVE, visitors, start, until, True)] * flagship.young_received,
            *[(Direction.RECEIVE, hosts, start, until, True)]
            * (flagship.received - flagship.young_received),
            # Never counted: paid by the lab's KAKENHI grant, before the start, in a draft.
            *[(Direction.DISPATCH, young, start, until, False)] * flagship.dispatches_unfunded,
            *[(Direction.RECEIVE, visitors, start, until, False)] * flagship.receptions_unfunded,
            *[
                (
                    Direction.DISPATCH,
                    young,
                    start - datetime.timedelta(days=75),
                    start - datetime.timedelta(days=30),
                    True,
                )
            ]
            * flagship.dispatches_before_start,
        ]
        if flagship.draft_fy:
            trips += [
                (Direction.DISPATCH, young, fiscal_year_start(flagship.draft_fy), AS_OF, True)
            ] * 2
        stays = []
        for direction, people, first, last, funded in trips:
            row = _exchange(rng, flagship, project, direction, people, first, last, funded, stays)
            stays.append(row)
            rows.append(row)
    return rows


def _visitors(rng, flagship: Flagship) -> list[tuple[str, str]]:
    """Young researchers of the partner's lab, named as in the partner's country."""
    given, family, _institutions = PARTNERS[flagship.partner_pi[2]]
    names = sorted({f"{rng.choice(given)} {rng.choice(family)}" for _ in range(3)})
    return [(name, YOUNG_STAGES[n % 3]) for n, name in enumerate(names)]


def _exchange(rng, flagship, project, direction, people, first, last, funded, stays) -> dict:
    """A stay of one of `people`, starting between `first` and `last`, clashing with none."""
    person, stage = rng.choice(people)
    long_stay = stage in YOUNG_STAGES and rng.random() < 0.45
    days = rng.choice(LONG_DAYS if long_stay else SHORT_DAYS)
    for _attempt in range(100):
        begin = _day(rng, first, last)
        end = begin + datetime.timedelta(days=days - 1)
        if not any(
            s["person"] == person and s["start_date"] <= end and begin <= s["end_date"]
            for s in stays
        ):
            break
    _name, institution, country, _h = flagship.partner_pi
    return {
        "project": project,
        "person": person,
        "career_stage": stage,
        "direction": direction,
        "country": country,
        "institution": institution,
        "start_date": begin,
        "end_date": end,
        "funded_by_program": funded,
        "purpose": rng.choice(PURPOSES[(direction, long_stay)]),
        "_date": begin,
    }


def _lab_statistics(flagships: list, later: Project, reports: dict) -> None:
    rows = []
    lab_figures = [(project, flagship.lab) for flagship, project in flagships]
    lab_figures.append((later, {fiscal_year(later.start_date) - 1: (2, 3, 1)}))
    for project, figures in lab_figures:
        for year, (events, invited, dispatched) in figures.items():
            rows.append(
                {
                    "report": reports[(project.pk, year)],
                    "project": project,
                    "events_held": events,
                    "researchers_invited": invited,
                    "researchers_dispatched": dispatched,
                }
            )
    existing = LabStatistic.objects.filter(project__in=[p for p, _f in lab_figures])
    _sync(LabStatistic, ("report",), rows, existing)


def _hubs(flagships: list, later: Project) -> None:
    rows = [
        {
            "project": flagships[index][1],
            "name": name,
            "country": country,
            "established_on": established,
            "closed_on": closed,
        }
        for index, name, country, established, closed in HUBS
    ]
    # A project that has not started yet: its hub never counts.
    rows.append(
        {
            "project": later,
            "name": "London–Tokyo Regenerative Medicine Office",
            "country": "GB",
            "established_on": date(2025, 2, 1),
            "closed_on": None,
        }
    )
    projects = [project for _f, project in flagships] + [later]
    _sync(Hub, ("project", "name"), rows, Hub.objects.filter(project__in=projects))


def _surveys(flagships: list, exchanges: list) -> None:
    """Young travellers answer before and after their stay; every item improves."""
    rng = random.Random(f"{SEED}-surveys")
    rows = []
    person_number = 0
    for _flagship, project in flagships:
        travellers = sorted(
            {
                row["person"]
                for row in exchanges
                if row["project"] == project
                and row["direction"] == Direction.DISPATCH
                and row["career_stage"] in YOUNG_STAGES
            }
        )
        for person in travellers:
            before = {item: rng.randint(1, 3) for item in SURVEY_GAINS}
            after = {
                item: before[item] + gains[person_number % len(gains)]
                for item, gains in SURVEY_GAINS.items()
            }
            person_number += 1
            rows.append({"project": project, "person": person, "timing": "before", **before})
            rows.append({"project": project, "person": person, "timing": "after", **after})
    # Someone about to leave: a "before" answer only, not yet a pair.
    flagship, project = flagships[0]
    rows.append(
        {
            "project": project,
            "person": "福田 悠人",
            "timing": "before",
            **dict.fromkeys(SURVEY_GAINS, 2),
        }
    )
    for row in rows:  # answers name a participant of the project (projects.Participant)
        row["participant"] = participant(row["project"], row.pop("person"))
    projects = [project for _f, project in flagships]
    existing = SurveyAnswer.objects.filter(project__in=projects)
    _sync(SurveyAnswer, ("participant", "timing"), rows, existing)


def _targets(program: Program) -> None:
    baseline_year, baseline = TARGET_BASELINE
    rows = [
        {
            "program": program,
            "indicator": code,
            "fiscal_year": year,
            "value": Decimal(value),
            "baseline": Decimal(baseline),
            "baseline_year": baseline_year,
        }
        for code, year, value in TARGETS
    ]
    existing = Target.objects.filter(program=program)
    _sync(Target, ("program", "indicator", "fiscal_year"), rows, existing)


def _policy_and_goals(program: Program) -> None:
    """ASPIRE's operating policy, goals and official indicators (seed 000, 別紙2)."""
    policy = {
        "policy_name_ja": published.POLICY_NAME_JA,
        "policy_name_en": published.POLICY_NAME_EN,
        "policy_revised_on": published.POLICY_REVISED_ON,
        "policy_excerpt_ja": published.POLICY_EXCERPT_JA,
        "policy_excerpt_en": published.POLICY_EXCERPT_EN,
    }
    changed = [name for name, value in policy.items() if getattr(program, name) != value]
    if changed:
        for name in changed:
            setattr(program, name, policy[name])
        program.save(update_fields=changed)
    rows = [
        {
            "program": program,
            "number": number,
            "title_ja": title_ja,
            "policy_title_ja": policy_title_ja,
            "title_en": title_en,
            "indicators_ja": "\n".join(indicators_ja),
            "indicators_en": "\n".join(indicators_en),
        }
        for number, (title_ja, policy_title_ja, title_en, indicators_ja, indicators_en) in (
            published.GOALS.items()
        )
    ]
    _sync(ProgramGoal, ("program", "number"), rows, program.goals.all())


def _evaluation(program: Program, chair_user: User) -> Evaluation:
    """The mid-term evaluation of seed 000: committee, goal texts, opinions, grade S."""
    row = {
        "program": program,
        "kind": EvaluationKind.MID_TERM,
        "as_of": AS_OF,
        "held_on": published.HELD_ON,
        "overall_grade": published.OVERALL_GRADE,
        "overall_comment": published.OVERALL_COMMENT,
        "overall_comment_en": published.OVERALL_COMMENT_EN,
        "title_ja": published.TITLE_JA,
        "title_en": published.TITLE_EN,
        "committee_name_ja": published.COMMITTEE_JA,
        "committee_name_en": published.COMMITTEE_EN,
        "preamble_ja": published.PREAMBLE_JA,
        "preamble_en": published.PREAMBLE_EN,
    }
    evaluation = _sync(Evaluation, ("program", "kind", "as_of"), [row])[
        (program.pk, row["kind"], AS_OF)
    ]
    members = _committee(evaluation, chair_user)
    _sync(
        GoalAssessment,
        ("evaluation", "goal"),
        [
            {
                "evaluation": evaluation,
                "goal": goal,
                "assessment": text,
                "future_directions": future,
                "assessment_en": published.ASSESSMENTS_EN[goal][0],
                "future_directions_en": published.ASSESSMENTS_EN[goal][1],
            }
            for goal, (text, future) in published.ASSESSMENTS.items()
        ],
        evaluation.assessments.all(),
    )
    seats = cycle(members)
    opinions = [  # in the order 別紙3 lists them
        {
            "member": next(seats),
            "goal": goal,
            "text": text,
            "text_en": published.OPINIONS_EN[goal][position],
            "position": position,
        }
        for goal, texts in published.OPINIONS.items()
        for position, text in enumerate(texts)
    ]
    existing = Opinion.objects.filter(member__evaluation=evaluation)
    _sync(Opinion, ("member", "goal", "text"), opinions, existing)
    return evaluation


def _committee(evaluation: Evaluation, chair_user: User) -> list[CommitteeMember]:
    chair_name, chair_affiliation = published.CHAIR
    rows = [
        {
            "evaluation": evaluation,
            "name": chair_name,
            "affiliation": chair_affiliation,
            "role": CommitteeRole.CHAIR,
            "user": chair_user,
            "order": 0,
        }
    ] + [
        {"evaluation": evaluation, "name": name, "affiliation": affiliation, "order": order}
        for order, (name, affiliation) in enumerate(published.MEMBERS, start=1)
    ]
    seats = _sync(CommitteeMember, ("evaluation", "name"), rows, evaluation.members.all())
    return list(seats.values())


def _open_year(program: Program) -> None:
    """FY2025's reporting period and the demo PI's draft report, so the PI has work to do."""
    period = {
        "program": program,
        "fiscal_year": OPEN_YEAR,
        "opens_on": date(OPEN_YEAR + 1, 4, 1),
        "due_on": date(OPEN_YEAR + 1, 5, 31),
    }
    _sync(ReportingPeriod, ("program", "fiscal_year"), [period], program.reporting_periods.all())
    project = Project.objects.get(memberships__user__email=PI_EMAIL)
    row = {"project": project, "fiscal_year": OPEN_YEAR, "status": ReportStatus.DRAFT}
    _sync(
        AnnualReport,
        ("project", "fiscal_year"),
        [row],
        project.reports.filter(fiscal_year=OPEN_YEAR),
    )


OPEN_YEAR = 2025
