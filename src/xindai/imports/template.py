"""The loan import template (贷款导入模板) and the file handed back with its errors marked.

The template has the header and an example row, drop-down lists for loan types, repayment
methods and branches, a 填写说明 sheet, and a 参考数据 sheet listing the values valid in the
user's scope: regions (one row per village with its parents, and its groups), branches, loan
officers and loan types.
"""

import io

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from xlsxwriter.utility import xl_col_to_name

from xindai.core.idnumber import check_character
from xindai.core.scope import Reach, scope_for, system_scope
from xindai.imports import example_row
from xindai.imports import loan_import as li
from xindai.imports.workbook import header_key
from xindai.loans.models import LoanType
from xindai.loans.schedule import METHOD_LABELS, Method
from xindai.org.models import Branch, Region, RegionLevel, User

ERROR_HEADER = "错误说明"
EXAMPLE_ID = example_row.EXAMPLE_ID_BODY
EXAMPLE = {
    li.NAME: example_row.EXAMPLE_NAME,
    li.ID: "620702199001010016",  # replaced by a valid number below
    li.MOBILE: "13909361234",
    li.GENDER: "男",
    li.HOUSE: "3组18号",
    li.IOU: example_row.EXAMPLE_IOU,
    li.AMOUNT: "50,000.00",
    li.RATE: "5.22",
    li.PURPOSE: "购买基础母牛",
    li.START: "2026-03-05",
    li.END: "2027-03-05",
    li.METHOD: "按季付息到期还本",
    li.PAID_PERIODS: "0",
}
INSTRUCTIONS = [
    ("填写说明", ""),
    ("表头", "第 1 行是列名，列的顺序可以调整，多余的列会被忽略。"),
    ("示例行", "第 2 行是示例（灰色斜体，姓名带“示例”），导入前请删除，否则整个文件不予导入。"),
    ("必填列", "、".join(li.REQUIRED)),
    ("身份证号码", "18 位，末位 X 大小写均可；请把该列设为“文本”格式，否则 Excel 会丢掉末几位。"),
    ("地区", "所在县区、所在乡镇、所在村须与“参考数据”表一致；所在片区、所在社可不填。"),
    ("日期", "可写 2024-03-05、2024/3/5、2024年3月5日、20240305，或使用 Excel 日期。"),
    ("金额", "以元为单位，可带千分位逗号，最多两位小数；年利率按百分数填写，如 4.35 或 4.35%。"),
    ("还款方式", "、".join(label for method, label in METHOD_LABELS.items() if method is not Method.CUSTOM)),
    ("经办支行 / 信贷员", "支行填名称或代码；信贷员填姓名或用户名（重名时填用户名）。"),
    ("联保小组", "同一文件中小组名称相同的各行组成一个联保小组。"),
    ("已还期数 / 贷款余额", "已还期数：前 N 期视为已按期足额归还；贷款余额如填写，须等于贷款金额减去这 N 期本金。"),
    ("导入规则", "整个文件先全部校验，有任何错误则一行也不导入，并可下载标注了错误的原文件。"),
]


def _scoped_reference(user):
    scope = scope_for(user if user is not None else system_scope("import command"))
    branches = Branch.objects.filter(is_active=True).order_by("path")
    officers = User.objects.filter(kind="bank", is_loan_officer=True, is_active=True).select_related("branch")
    regions = Region.objects.filter(is_active=True)
    if scope is not None and scope.reach == Reach.BRANCH:
        branches = branches.filter(pk__in=scope.branch_ids)
        officers = officers.filter(branch_id__in=scope.branch_ids)
    elif scope is not None and scope.reach == Reach.PERSONAL:
        branches = branches.filter(pk=user.branch_id)
        officers = officers.filter(pk=user.pk)
    elif scope is not None and scope.reach == Reach.REGION:
        regions = regions.filter(path__startswith=user.region.path)
    return list(branches), list(officers.order_by("branch__path", "username")), list(regions)


def _village_rows(regions: list[Region]) -> list[list[str]]:
    by_id = {r.pk: r for r in regions}
    groups: dict[int, list[str]] = {}
    for region in regions:
        if region.level == RegionLevel.GROUP:
            groups.setdefault(region.parent_id, []).append(region.name)
    rows = []
    for village in sorted((r for r in regions if r.level == RegionLevel.VILLAGE), key=lambda r: r.path):
        chain = {}
        node = by_id.get(village.parent_id)
        while node is not None:
            chain[node.level] = node.name
            node = by_id.get(node.parent_id)
        rows.append(
            [
                chain.get(RegionLevel.COUNTY, ""),
                chain.get(RegionLevel.AREA, ""),
                chain.get(RegionLevel.TOWNSHIP, ""),
                village.name,
                "、".join(sorted(groups.get(village.pk, []))),
            ]
        )
    return rows


def loan_template(user) -> bytes:
    """The template as .xlsx bytes, its reference data limited to `user`'s scope."""
    branches, officers, regions = _scoped_reference(user)
    types = list(LoanType.objects.filter(is_active=True).order_by("id"))
    methods = [label for method, label in METHOD_LABELS.items() if method is not Method.CUSTOM]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    head = book.add_format({"bold": True, "bg_color": "#DDE7F3", "border": 1, "align": "center"})
    must = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "align": "center"})
    text = book.add_format({"num_format": "@"})
    example = book.add_format({"font_color": "#808080", "italic": True, "num_format": "@"})

    sheet = book.add_worksheet("贷款导入")
    reference = book.add_worksheet("参考数据")
    notes = book.add_worksheet("填写说明")
    for col, name in enumerate(li.COLUMNS):
        sheet.write_string(0, col, name, must if name in li.REQUIRED else head)
        sheet.set_column(col, col, 20 if name in (li.ID, li.IOU) else 13, text)
        value = EXAMPLE.get(name, "")
        if name == li.ID:
            value = EXAMPLE_ID + check_character(EXAMPLE_ID)
        if name == li.TYPE and types:
            value = types[0].name
        if name == li.BRANCH and branches:
            value = branches[0].name
        if name == li.OFFICER and officers:
            value = officers[0].real_name
        if name in (li.COUNTY, li.TOWNSHIP, li.VILLAGE) and regions:
            first = _village_rows(regions)[:1]
            if first:
                value = first[0][{li.COUNTY: 0, li.TOWNSHIP: 2, li.VILLAGE: 3}[name]]
        sheet.write_string(1, col, value, example)
    sheet.write_comment(1, 0, "示例行：仅供参考，导入前请删除本行。", {"visible": True, "x_scale": 1.6})
    sheet.freeze_panes(1, 0)

    blocks = [
        ("县区", "片区", "乡镇", "村", "社（可选）"),
        ("经办支行", "支行代码"),
        ("信贷员姓名", "用户名", "所属支行"),
        ("贷款种类", "默认利率(%)", "默认还款方式"),
        ("还款方式",),
    ]
    data = [
        _village_rows(regions),
        [[b.name, b.code] for b in branches],
        [[o.real_name, o.username, o.branch.name if o.branch_id else ""] for o in officers],
        [[t.name, f"{t.default_rate:f}", METHOD_LABELS[Method(t.default_method)]] for t in types],
        [[m] for m in methods],
    ]
    column = 0
    starts = []
    for titles, rows in zip(blocks, data, strict=True):
        starts.append(column)
        for offset, title in enumerate(titles):
            reference.write_string(0, column + offset, title, head)
            reference.set_column(column + offset, column + offset, 14)
        for r, row in enumerate(rows, start=1):
            for offset, value in enumerate(row):
                reference.write_string(r, column + offset, str(value))
        column += len(titles) + 1
    reference.freeze_panes(1, 0)

    def list_source(block: int, count: int) -> str:
        letter = xl_col_to_name(starts[block])
        return f"='参考数据'!${letter}$2:${letter}${max(count, 1) + 1}"

    for name, block, count in ((li.TYPE, 3, len(types)), (li.METHOD, 4, len(methods)), (li.BRANCH, 1, len(branches))):
        col = li.COLUMNS.index(name)
        sheet.data_validation(
            1,
            col,
            10000,
            col,
            {
                "validate": "list",
                "source": list_source(block, count),
                "error_title": "无效的值",
                "error_message": "请从下拉列表中选择，或参见“参考数据”表。",
            },
        )
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 100)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for r, (title, body) in enumerate(INSTRUCTIONS):
        notes.write_string(r, 0, title, head if r == 0 else book.add_format({"bold": True, "valign": "top"}))
        notes.write_string(r, 1, body, wrap)
    book.close()
    return buffer.getvalue()


ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def marked_file(content: bytes, errors) -> bytes:
    """The uploaded workbook with a 错误说明 column and every wrong cell filled red (with a note)."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    headers = {header_key(cell.value): cell.column for cell in sheet[1] if cell.value is not None}
    target = headers.get(ERROR_HEADER) or sheet.max_column + 1
    sheet.cell(row=1, column=target, value=ERROR_HEADER).font = Font(bold=True, color="9C0006")
    by_row: dict[int, list] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    for row, row_errors in by_row.items():
        sheet.cell(row=row, column=target, value="；".join(f"{e.column}：{e.message}" for e in row_errors))
        for error in row_errors:
            if error.column in headers:
                cell = sheet.cell(row=row, column=headers[error.column])
                cell.fill = ERROR_FILL
                cell.comment = Comment(error.message, "信贷系统")
    sheet.column_dimensions[xl_col_to_name(target - 1)].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
