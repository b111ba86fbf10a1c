"""A deterministic demo organisation: 张掖市 (Gansu) with its real counties and townships,
realistic villages and groups, eight branches, and users of every kind."""

import random

from django.db import transaction

from xindai.core.tree import tree_save_path
from xindai.org.models import Branch, Region, RegionLevel, Role, ScopeKind, User, UserKind
from xindai.org.selectors import scope_label

DEMO_PASSWORD = "Xindai@2026"  # noqa: S105 - printed by `make run` for the demo logins

# County code, name, townships (real names); the first townships of 甘州区 form an area (片区).
COUNTIES = [
    (
        "620702",
        "甘州区",
        [
            "梁家墩镇",
            "上秦镇",
            "大满镇",
            "沙井镇",
            "乌江镇",
            "甘浚镇",
            "新墩镇",
            "党寨镇",
            "碱滩镇",
            "三闸镇",
            "小满镇",
            "明永镇",
            "长安镇",
            "龙渠乡",
            "安阳乡",
            "花寨乡",
        ],
    ),
    ("620721", "肃南裕固族自治县", ["红湾寺镇", "皇城镇", "康乐镇", "马蹄藏族乡", "白银蒙古族乡", "大河乡"]),
    (
        "620722",
        "民乐县",
        ["洪水镇", "六坝镇", "新天镇", "南古镇", "永固镇", "三堡镇", "南丰镇", "民联镇", "顺化镇", "丰乐镇"],
    ),
    ("620723", "临泽县", ["沙河镇", "新华镇", "蓼泉镇", "平川镇", "板桥镇", "鸭暖镇", "倪家营镇"]),
    ("620724", "高台县", ["城关镇", "宣化镇", "南华镇", "巷道镇", "合黎镇", "骆驼城镇", "新坝镇", "黑泉镇", "罗城镇"]),
    ("620725", "山丹县", ["清泉镇", "位奇镇", "霍城镇", "陈户镇", "大马营镇", "东乐镇", "老军乡", "李桥乡"]),
]
AREA = ("620702-P01", "甘州区东片区", ["梁家墩镇", "上秦镇", "碱滩镇", "三闸镇"])

VILLAGE_NAMES = [
    "梁家墩村",
    "清凉寺村",
    "刘家庄村",
    "王家庄村",
    "李家湾村",
    "新建村",
    "红星村",
    "和平村",
    "东湖村",
    "西湾村",
    "上寨村",
    "下寨村",
    "马家堡村",
    "河西村",
    "沙窝村",
    "中沟村",
    "高家庄村",
    "团结村",
    "先锋村",
    "永丰村",
    "幸福村",
    "光明村",
    "杨家墩村",
    "三角城村",
    "黑河村",
    "五里墩村",
    "西洞村",
    "东泉村",
    "南滩村",
    "北滩村",
    "小寨村",
    "十里堡村",
    "苏家堡村",
    "何家沟村",
    "赵家寨村",
    "陈家湾村",
    "张家庄村",
    "柳树湾村",
    "古城村",
    "新丰村",
]

BRANCHES = [  # code, name, parent code, county the branch serves
    ("0100", "张掖分行营业部", None, None),
    ("0101", "甘州支行", "0100", "甘州区"),
    ("0102", "肃南支行", "0100", "肃南裕固族自治县"),
    ("0103", "民乐支行", "0100", "民乐县"),
    ("0104", "临泽支行", "0100", "临泽县"),
    ("0105", "高台支行", "0100", "高台县"),
    ("0106", "山丹支行", "0100", "山丹县"),
    ("010101", "梁家墩分理处", "0101", "甘州区"),
]

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "建国志强海燕秀英桂兰明辉国庆晓东红梅玉珍振华丽娟文博永福春花金凤德胜天佑淑芬立新卫东玉兰宏伟俊杰婷婷雪梅鹏飞学军"
)


def _save_node(node):
    node.save()
    tree_save_path(node)
    return node


def _build_regions(rng: random.Random) -> dict[str, Region]:
    counties: dict[str, Region] = {}
    area_towns = set(AREA[2])
    for county_code, county_name, townships in COUNTIES:
        county = _save_node(Region(code=county_code + "000000", name=county_name, level=RegionLevel.COUNTY))
        counties[county_name] = county
        area = None
        if county_name == "甘州区":
            area = _save_node(Region(code=AREA[0], name=AREA[1], level=RegionLevel.AREA, parent=county))
        for t_index, town_name in enumerate(townships):
            seq = (100 + t_index) if town_name.endswith("镇") else (200 + t_index)
            parent = area if area is not None and town_name in area_towns else county
            town = _save_node(
                Region(code=f"{county_code}{seq:03d}000", name=town_name, level=RegionLevel.TOWNSHIP, parent=parent)
            )
            _build_villages(rng, town)
    return counties


def _build_villages(rng: random.Random, town: Region) -> None:
    names = rng.sample(VILLAGE_NAMES, rng.randint(5, 8))
    if town.name == "梁家墩镇":
        names = ["梁家墩村", "清凉寺村"] + [n for n in names if n not in ("梁家墩村", "清凉寺村")][:5]
    for v_index, name in enumerate(names):
        village = _save_node(
            Region(code=f"{town.code[:9]}{200 + v_index:03d}", name=name, level=RegionLevel.VILLAGE, parent=town)
        )
        for g in range(1, rng.randint(3, 6) + 1):
            _save_node(
                Region(
                    code=f"{village.code}-{g:02d}",
                    name=f"{_chinese_number(g)}社",
                    level=RegionLevel.GROUP,
                    parent=village,
                )
            )


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九十"
    return digits[n] if n <= 10 else "十" + digits[n - 10]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)[: rng.choice((1, 2))])


def _make_user(username: str, real_name: str, role: Role, **extra) -> User:
    user = User(username=username, real_name=real_name, role=role, **extra)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def build_org(seed: int = 2026) -> dict:
    """Create the demo organisation once. Returns what it made (or found) by name."""
    if Branch.objects.exists():
        return {}
    rng = random.Random(seed)
    roles = {r.name: r for r in Role.objects.all()}
    with transaction.atomic():
        counties = _build_regions(rng)
        branches: dict[str, Branch] = {}
        for code, name, parent_code, _county in BRANCHES:
            branches[code] = _save_node(Branch(code=code, name=name, parent=branches.get(parent_code)))
        # Mobile numbers are fictitious but valid: 139 0936 xxxx.
        mobiles = iter(f"1390936{n:04d}" for n in range(1, 10000))
        _make_user(
            "admin",
            "系统管理员",
            roles["系统管理员"],
            is_superuser=True,
            is_staff=True,
            scope=ScopeKind.ALL,
            branch=branches["0100"],
            mobile=next(mobiles),
        )
        _make_user(
            "leader", "陈立新", roles["分行领导"], scope=ScopeKind.ALL, branch=branches["0100"], mobile=next(mobiles)
        )
        for index, (code, _name, _parent, _county) in enumerate(BRANCHES[1:], start=1):
            branch = branches[code]
            _make_user(
                f"manager{index:02d}",
                _person(rng),
                roles["支行行长"],
                scope=ScopeKind.BRANCH,
                branch=branch,
                mobile=next(mobiles),
            )
            for k in (1, 2):
                _make_user(
                    f"officer{index:02d}{k}",
                    _person(rng),
                    roles["信贷员"],
                    scope=ScopeKind.PERSONAL,
                    branch=branch,
                    is_loan_officer=True,
                    mobile=next(mobiles),
                )
        township = Region.objects.get(name="梁家墩镇")
        _make_user(
            "xumu_gz",
            "甘州区畜牧兽医局",
            roles["畜牧部门"],
            kind=UserKind.EXTERNAL,
            scope=ScopeKind.REGION,
            region=counties["甘州区"],
            organisation="甘州区畜牧兽医局",
            mobile=next(mobiles),
        )
        _make_user(
            "ljd_gov",
            "梁家墩镇人民政府",
            roles["乡镇政府"],
            kind=UserKind.EXTERNAL,
            scope=ScopeKind.REGION,
            region=township,
            organisation="梁家墩镇人民政府",
            mobile=next(mobiles),
        )
    return {"branches": branches, "counties": counties}


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, who, scope) of the demo users, for `make run` to print."""
    users = (
        User.objects.select_related("role", "branch", "region")
        .filter(
            username__in=["admin", "leader", "manager01", "officer011", "officer012", "manager07", "xumu_gz", "ljd_gov"]
        )
        .order_by("id")
    )
    return [(u.username, f"{u.real_name} · {u.role.name if u.role else ''}", scope_label(u)) for u in users]
