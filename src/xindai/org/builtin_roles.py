"""The roles a bank starts with; the migration creates them, tests may restore them."""

VIEW = ["customers.view", "loans.view", "repayments.view", "reports.view"]
OFFICER = VIEW + [
    "customers.add",
    "customers.change",
    "customers.export",
    "customers.view_personal",
    "customers.add_contact",
    "loans.add",
    "loans.change",
    "loans.export",
    "loans.print",
    "repayments.confirm",
    "messaging.view",
    "messaging.send",
    "reports.export",
    "credit.extend",
]
MANAGER = OFFICER + [
    "credit.approve",
    "credit.write_off",
    "credit.waive",
    "credit.transfer",
    "customers.delete",
    "loans.delete",
    "loans.import",
    "repayments.reverse",
    "repayments.classify",
    "loans.change_terms",
    "messaging.manage_templates",
]
LEADER = VIEW + [
    "customers.export",
    "customers.view_personal",
    "loans.export",
    "loans.print",
    "messaging.view",
    "reports.export",
    "system.view_audit",
]
ADMIN = MANAGER + [
    "loans.manage_types",
    "messaging.switch_auto",
    "system.manage_users",
    "system.manage_roles",
    "system.manage_org",
    "system.manage_settings",
    "system.view_audit",
]

ROLES = [
    ("系统管理员", "全部功能与系统管理", ADMIN, False),
    ("分行领导", "查看全部业务、报表和日志", LEADER, False),
    ("支行行长", "本支行业务办理、审批与冲正", MANAGER, False),
    ("信贷员", "客户与贷款登记、还款确认、催收", OFFICER, False),
    ("畜牧部门", "外部用户：查看所辖区域贷款（只读）", VIEW + ["reports.export"], True),
    ("乡镇政府", "外部用户：查看所辖区域贷款（只读）", VIEW, True),
]


def ensure_builtin_roles(role_model) -> None:
    """Create (or complete) the built-in roles; `role_model` is the real or the historical model."""
    for name, description, perms, external in ROLES:
        role_model.objects.update_or_create(
            name=name,
            defaults={
                "description": description,
                "permissions": sorted(set(perms)),
                "for_external": external,
                "is_builtin": True,
            },
        )
