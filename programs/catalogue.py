"""The catalogue of Japan's international research programs, from the MEXT slides.

Source: shared/seeds/002 (文部科学省「国際連携・協力を取り巻く状況」, May 2024). Every
figure below is the slides' own: names in Japanese exactly as printed, budgets in yen
(百万円 × 1,000,000, 億円 × 100,000,000), support types with their annual range and
duration. `load_catalogue()` writes it idempotently, by natural key (agency code,
program code, program + support-type code): loading twice changes nothing.

Program codes: AMED's ASPIRE is plain "ASPIRE" (the program the demo data set and the
evaluation report use: `manage.py indicators ASPIRE`); where two agencies run a program of
the same name the code carries the agency ("ASPIRE-JST", "SICORP-AMED", ...).
"""

from django.db import transaction

from aspire.fields import NormalisedCharField
from programs.models import FundingAgency, Program, SupportType

MILLION = 1_000_000
OKU = 100_000_000  # 億円

AGENCIES = [
    {
        "code": "AMED",
        "name": "Japan Agency for Medical Research and Development",
        "name_ja": "国立研究開発法人日本医療研究開発機構",
        "country": "JP",
    },
    {
        "code": "JST",
        "name": "Japan Science and Technology Agency",
        "name_ja": "国立研究開発法人科学技術振興機構",
        "country": "JP",
    },
    {
        "code": "JSPS",
        "name": "Japan Society for the Promotion of Science",
        "name_ja": "独立行政法人日本学術振興会",
        "country": "JP",
    },
]


def _type(code, name, name_ja, low=None, high=None, min_years=None, max_years=None, note=""):
    return {
        "code": code,
        "name": name,
        "name_ja": name_ja,
        "min_annual_budget_yen": low,
        "max_annual_budget_yen": high,
        "min_years": min_years,
        "max_years": max_years,
        "note": note,
    }


PROGRAMS = [
    {
        "code": "ASPIRE",
        "agency": "AMED",
        "name": "Adopting Sustainable Partnerships for Innovative Research Ecosystem (AMED)",
        "name_ja": "先端国際共同研究推進プログラム",
        "budget_yen": 6_050 * MILLION,
        "description": (
            "Large joint research with top researchers of advanced countries in fields set "
            "by the government; brain circulation of young researchers. Budget: FY2022 "
            "second supplementary budget (令和4年度第2次補正予算 60.5億円), a fund."
        ),
        "support_types": [
            _type(
                "TYPE-1",
                "Type 1: up to 100 million yen a year for 5 years",
                "①最大 １億円／年・課題×5年間",
                high=1 * OKU,
                min_years=5,
                max_years=5,
            ),
            _type(
                "TYPE-2",
                "Type 2: up to 30 million yen a year for 5 years",
                "②最大3千万円／年・課題×5年間",
                high=30 * MILLION,
                min_years=5,
                max_years=5,
            ),
        ],
    },
    {
        "code": "ASPIRE-JST",
        "agency": "JST",
        "name": "Adopting Sustainable Partnerships for Innovative Research Ecosystem (JST)",
        "name_ja": "先端国際共同研究推進事業",
        "budget_yen": 44_000 * MILLION,
        "description": (
            "Joint calls with the funding agencies of advanced countries in fields set under "
            "the Cabinet Office. Budget: JST's share of the FY2022 second supplementary "
            "budget (令和4年度第2次補正予算 JST 44,000百万円), a fund."
        ),
        "support_types": [
            _type(
                "JOINT-CALL",
                "Joint call (basic scheme)",
                "共同公募（Joint-Call）",
                high=100 * MILLION,
                max_years=5,
                note="支援規模 最大100百万円／年・課題程度、支援期間 原則５年",
            ),
        ],
    },
    {
        "code": "SICORP-JST",
        "agency": "JST",
        "name": "Strategic International Collaborative Research Program (JST)",
        "name_ja": "戦略的国際共同研究プログラム",
        "budget_yen": 11 * OKU,
        "description": (
            "Joint research agreed with partner countries, bilateral or multilateral, in "
            "types fitted to the partner and the research phase. Budget: FY2024 request "
            "(令和6年度予算額（案）11億円)."
        ),
        "support_types": [
            _type(
                "CONSORTIUM",
                "Consortium joint research",
                "コンソーシアム共同研究タイプ",
                30 * MILLION,
                50 * MILLION,
                3,
                5,
            ),
            _type(
                "CORE-TEAM",
                "Core-team joint research",
                "コアチーム共同研究タイプ",
                10 * MILLION,
                30 * MILLION,
                1,
                3,
            ),
            _type(
                "ACCELERATION",
                "International cooperation acceleration",
                "国際協力加速タイプ",
                5 * MILLION,
                10 * MILLION,
                1,
                3,
            ),
            _type(
                "HUB",
                "International joint research hub",
                "国際共同研究拠点タイプ",
                50 * MILLION,
                1 * OKU,
                5,
                10,
                note="５年間、評価により10年間",
            ),
        ],
    },
    {
        "code": "SICORP-AMED",
        "agency": "AMED",
        "name": "Strategic International Collaborative Research Program (AMED)",
        "name_ja": "戦略的国際共同研究プログラム",
        "budget_yen": 320 * MILLION,
        "description": (
            "SICORP in medical research, moved from JST to AMED in FY2015. Budget: FY2024 "
            "request (3.2億円)."
        ),
        "support_types": [
            _type(
                "CONSORTIUM",
                "Consortium joint research",
                "コンソーシアム共同研究タイプ",
                15 * MILLION,
                30 * MILLION,
                1,
                3,
            ),
            _type(
                "CORE-TEAM",
                "Core-team joint research",
                "コアチーム共同研究タイプ",
                10 * MILLION,
                15 * MILLION,
                1,
                3,
            ),
            _type(
                "ACCELERATION",
                "International cooperation acceleration",
                "国際協力加速タイプ",
                5 * MILLION,
                10 * MILLION,
                1,
                3,
            ),
        ],
    },
    {
        "code": "SATREPS-JST",
        "agency": "JST",
        "name": "Science and Technology Research Partnership for Sustainable Development (JST)",
        "name_ja": "地球規模課題対応国際科学技術協力プログラム",
        "budget_yen": 19 * OKU,
        "description": (
            "Joint research with developing countries on global issues, with ODA through "
            "JICA. Budget: FY2024 request (令和6年度予算額（案）19億円)."
        ),
        "support_types": [
            _type(
                "STANDARD",
                "Standard",
                "標準",
                high=35 * MILLION,
                min_years=3,
                max_years=5,
                note="35百万円程度／年・課題（別途JICAが60百万円／年を上限に支援）、原則3～5年間",
            ),
        ],
    },
    {
        "code": "SATREPS-AMED",
        "agency": "AMED",
        "name": "Science and Technology Research Partnership for Sustainable Development (AMED)",
        "name_ja": "地球規模課題対応国際科学技術協力プログラム",
        "budget_yen": 320 * MILLION,
        "description": (
            "SATREPS in infectious diseases and other medical fields, moved from JST to AMED "
            "in FY2015. Budget: FY2024 request (3.2億円)."
        ),
        "support_types": [
            _type(
                "STANDARD",
                "Standard",
                "標準",
                high=32 * MILLION,
                min_years=5,
                max_years=5,
                note="最大32百万円／年×5年間",
            ),
        ],
    },
    {
        "code": "INTERSTELLAR",
        "agency": "AMED",
        "name": "Interstellar Initiative",
        "name_ja": "Interstellar Initiative",
        "budget_yen": 80 * MILLION,
        "description": (
            "Young Japanese researchers lead international, interdisciplinary teams that "
            "plan original research under mentors. Budget: FY2024 request (0.8億円)."
        ),
        "support_types": [
            _type(
                "INTERSTELLAR",
                "Interstellar Initiative",
                "Interstellar Initiative",
                high=2 * MILLION,
                min_years=1,
                max_years=1,
            ),
            _type(
                "BEYOND",
                "Interstellar Initiative Beyond",
                "Interstellar Initiative Beyond",
                high=2_600_000,
                min_years=1,
                max_years=1,
            ),
        ],
    },
    {
        "code": "NTDS",
        "agency": "AMED",
        "name": "Research Program on Neglected Tropical Diseases in Africa",
        "name_ja": "アフリカにおける顧みられない熱帯病（NTDs）対策のための国際共同研究プログラム",
        "budget_yen": 40 * MILLION,
        "description": (
            "Prevention, diagnosis and treatment of NTDs through fieldwork in Africa. "
            "Budget: FY2024 request (0.4億円)."
        ),
        "support_types": [
            _type(
                "STANDARD",
                "Standard",
                "標準",
                high=40 * MILLION,
                min_years=5,
                max_years=5,
                note="40百万円程度／年×5年間",
            ),
        ],
    },
    {
        "code": "KAKENHI-ILR",
        "agency": "JSPS",
        "name": "KAKENHI Grant-in-Aid for International Leading Research",
        "name_ja": "科研費・国際先導研究（国際共同研究加速基金）",
        "budget_yen": 110 * OKU,
        "description": (
            "Top researchers' teams with overseas top teams; young researchers (postdocs, "
            "doctoral students) sent abroad for 2–3 years. Budget: FY2022 second "
            "supplementary budget (令和4年度第2次補正予算額 110億円)."
        ),
        "support_types": [
            _type(
                "STANDARD",
                "International Leading Research",
                "国際先導研究",
                high=500 * MILLION // 7,
                min_years=7,
                max_years=10,
                note=(
                    "研究費総額 最大５億円（直接経費・基金）; 研究期間 ７年（最大10年まで延長可）. "
                    "The annual maximum is the total spread over 7 years."
                ),
            ),
        ],
    },
    {
        "code": "JSPS-OVERSEAS",
        "agency": "JSPS",
        "name": "JSPS Overseas Research Fellowships",
        "name_ja": "海外特別研究員事業",
        "budget_yen": 2_527 * MILLION,
        "description": (
            "Young researchers with a doctorate do research abroad for two years. Budget: "
            "FY2024 request (令和６年度予算額（案）2,527百万円)."
        ),
        "support_types": [
            _type(
                "FELLOWSHIP",
                "Overseas Research Fellow",
                "海外特別研究員",
                min_years=2,
                max_years=2,
                note="支援期間 2年間; 往復航空費、滞在費、研究活動費 等",
            ),
        ],
    },
    {
        "code": "JSPS-FOREIGN",
        "agency": "JSPS",
        "name": "JSPS International Fellowships for Research in Japan",
        "name_ja": "外国人研究者招へい事業＜外国人特別研究員＞",
        "budget_yen": 3_433 * MILLION,
        "description": (
            "Young foreign researchers invited to Japanese universities and institutes. "
            "Budget: FY2024 request (令和６年度予算額（案）3,433百万円)."
        ),
        "support_types": [
            _type(
                "FELLOWSHIP",
                "International Research Fellow",
                "外国人特別研究員",
                max_years=2,
                note="up to 2 years",
            ),
        ],
    },
    {
        "code": "WPI",
        "agency": "JSPS",
        "name": "World Premier International Research Center Initiative",
        "name_ja": "世界トップレベル研究拠点プログラム（WPI）",
        "budget_yen": 72 * OKU,
        "description": (
            "International research centres of world-top level, 30% or more of their "
            "researchers from abroad. Budget: FY2024 (令和6年度予算額 72億円)."
        ),
        "support_types": [
            _type(
                "CENTER",
                "Research center",
                "拠点",
                high=7 * OKU,
                max_years=10,
                note="支援規模 最大7億円/年×10年",
            ),
        ],
    },
]


def _upsert(model, defaults: dict, **lookup):
    """Create or update a row, saving only a real change (a save makes a new version)."""
    obj = model.objects.filter(**lookup).first() or model(**lookup)
    # As stored: a name field keeps the NFKC form (（NTDs） becomes (NTDs)).
    defaults = {k: _stored(model, k, v) for k, v in defaults.items()}
    changed = obj.pk is None or any(getattr(obj, k) != v for k, v in defaults.items())
    for name, value in defaults.items():
        setattr(obj, name, value)
    if changed:
        obj.save()
    return obj


def _stored(model, name: str, value):
    field = model._meta.get_field(name)
    return field.to_python(value) if isinstance(field, NormalisedCharField) else value


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    """Write the catalogue; running it again changes nothing. Returns the row counts."""
    agencies = {}
    for row in AGENCIES:
        agencies[row["code"]] = _upsert(
            FundingAgency, code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
    support_types = 0
    for row in PROGRAMS:
        program = _upsert(
            Program,
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_ja": row["name_ja"],
                "managing_agency": agencies[row["agency"]],
                "budget_yen": row["budget_yen"],
                "description": row["description"],
            },
        )
        for support in row["support_types"]:
            _upsert(
                SupportType,
                program=program,
                code=support["code"],
                defaults={k: v for k, v in support.items() if k != "code"},
            )
            support_types += 1
    return {"agencies": len(agencies), "programs": len(PROGRAMS), "support_types": support_types}
