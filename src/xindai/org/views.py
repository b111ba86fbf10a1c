"""System management pages (系统管理): branches, regions, roles, users."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core import approval
from xindai.core.viewhelpers import id_param, paginate, run_and_report, run_service
from xindai.org import services
from xindai.org.cascade_forms import CascadeOnlyForm
from xindai.org.forms import BranchForm, PasswordResetForm, RegionForm, RoleForm, UserForm
from xindai.org.models import Branch, Region, RegionLevel, Role, User, UserKind
from xindai.org.selectors import region_chain

manage_org = permission_required("system.manage_org", raise_exception=True)
manage_roles = permission_required("system.manage_roles", raise_exception=True)
manage_users = permission_required("system.manage_users", raise_exception=True)


def _form_page(request, form, template, context=None):
    return render(request, template, {"form": form, **(context or {})})


# Branches -------------------------------------------------------------------------------------


@manage_org
def branch_list(request):
    branches = Branch.objects.select_related("parent").annotate(user_count=Count("users")).order_by("path")
    return render(request, "org/branch_list.html", {"branches": branches})


@manage_org
def branch_edit(request, pk=None):
    branch = get_object_or_404(Branch, pk=pk) if pk else None
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if run_service(form, lambda: services.branch_save(actor=request.user, branch=branch, **data)):
            messages.success(request, _("Branch %(name)s saved.") % {"name": data["name"]})
            return redirect("org:branch_list")
    return _form_page(request, form, "org/branch_form.html", {"branch": branch})


@manage_org
@require_POST
def branch_delete(request, pk):
    branch = get_object_or_404(Branch, pk=pk)
    run_and_report(
        request,
        lambda: services.branch_delete(actor=request.user, branch=branch),
        _("Branch %(name)s deleted.") % {"name": branch.name},
    )
    return redirect("org:branch_list")


# Regions --------------------------------------------------------------------------------------


@manage_org
def region_list(request):
    parent_id = id_param(request, "parent")
    parent = get_object_or_404(Region, pk=parent_id) if parent_id is not None else None
    query = request.GET.get("q", "").strip()
    regions = Region.objects.annotate(child_count=Count("children"))
    if query:
        regions = regions.filter(Q(name__contains=query) | Q(code__startswith=query)).order_by("path")
    else:
        regions = regions.filter(parent=parent).order_by("code")
    page = paginate(request, regions, default_size=50)
    chain = list(region_chain(parent).values()) if parent else []
    return render(request, "org/region_list.html", {"page": page, "parent": parent, "chain": chain, "q": query})


@manage_org
def region_edit(request, pk=None):
    region = get_object_or_404(Region, pk=pk) if pk else None
    initial = {}
    if region is None and (parent_id := id_param(request, "parent")) is not None:
        parent = get_object_or_404(Region, pk=parent_id)
        initial = {"parent": parent, "level": min(parent.level + 1, RegionLevel.GROUP)}
    form = RegionForm(request.POST or None, instance=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        saved = run_service(form, lambda: services.region_save(actor=request.user, region=region, **data))
        if saved:
            messages.success(request, _("Region %(name)s saved.") % {"name": saved.name})
            url = redirect("org:region_list").url
            return redirect(f"{url}?parent={saved.parent_id}" if saved.parent_id else url)
    return _form_page(request, form, "org/region_form.html", {"region": region})


@manage_org
@require_POST
def region_delete(request, pk):
    region = get_object_or_404(Region, pk=pk)
    run_and_report(
        request,
        lambda: services.region_delete(actor=request.user, region=region),
        _("Region %(name)s deleted.") % {"name": region.name},
    )
    url = redirect("org:region_list").url
    return redirect(f"{url}?parent={region.parent_id}" if region.parent_id else url)


def region_pick(request):
    """JSON for region pickers: ?q= name, ?parent= children of a node, ?level= one level."""
    regions = Region.objects.filter(is_active=True)
    if (parent_id := id_param(request, "parent")) is not None:
        regions = regions.filter(parent_id=parent_id)
    if (level := id_param(request, "level")) is not None:
        regions = regions.filter(level=level)
    if request.GET.get("below"):
        regions = regions.filter(level__lt=RegionLevel.GROUP)
    if request.GET.get("q"):
        regions = regions.filter(Q(name__contains=request.GET["q"]) | Q(code__startswith=request.GET["q"]))
    regions = regions.order_by("code")[:100]
    return JsonResponse(
        {
            "results": [
                {"id": r.pk, "text": f"{r.get_level_display()} · {r.name}", "name": r.name, "level": r.level}
                for r in regions
            ]
        }
    )


# Roles ----------------------------------------------------------------------------------------


@manage_roles
def role_list(request):
    roles = Role.objects.annotate(user_count=Count("user")).order_by("id")
    return render(request, "org/role_list.html", {"roles": roles})


@manage_roles
def role_edit(request, pk=None):
    role = get_object_or_404(Role, pk=pk) if pk else None
    form = RoleForm(request.POST or None, instance=role)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        done = run_service(form, lambda: _role_save_or_submit(request.user, role, data))
        if done:
            saved = _("Role %(name)s saved.") % {"name": data["name"]}
            messages.success(request, str(approval.SUBMITTED) if done[1] else saved)
            return redirect("org:role_list")
    return _form_page(request, form, "org/role_form.html", {"role": role})


@manage_roles
@require_POST
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk)
    submitted = approval.needs_approval(approval.Action.ROLE_CHANGE)
    run_and_report(
        request,
        lambda: approval.submit_or_run(
            approval.Action.ROLE_CHANGE,
            actor=request.user,
            params={"role_id": role.pk, "delete": True},
            target=f"role:{role.pk}",
            run=lambda: services.role_delete(actor=request.user, role=role),
        ),
        str(approval.SUBMITTED) if submitted else _("Role %(name)s deleted.") % {"name": role.name},
    )
    return redirect("org:role_list")


def _role_save_or_submit(actor, role, data):
    params = {"role_id": role.pk if role else None, **data, "permissions": sorted(data.get("permissions", []))}
    return approval.submit_or_run(
        approval.Action.ROLE_CHANGE,
        actor=actor,
        params=params,
        target=f"role:{role.pk if role else 'new'}",
        run=lambda: services.role_save(actor=actor, role=role, **data),
    )


# Users ----------------------------------------------------------------------------------------


@manage_users
def user_list(request):
    users = User.objects.select_related("branch", "role", "region").order_by("kind", "branch__path", "username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(real_name__contains=q) | Q(mobile__startswith=q))
    if request.GET.get("kind") in UserKind.values:
        users = users.filter(kind=request.GET["kind"])
    if (role_id := id_param(request, "role")) is not None:
        users = users.filter(role_id=role_id)
    if request.GET.get("branch"):
        branch = get_object_or_404(Branch, pk=id_param(request, "branch"))
        users = users.filter(branch__path__startswith=branch.path)
    if request.GET.get("active") in ("1", "0"):
        users = users.filter(is_active=request.GET["active"] == "1")
    page = paginate(request, users)
    return render(
        request,
        "org/user_list.html",
        {
            "page": page,
            "roles": Role.objects.order_by("id"),
            "branches": Branch.objects.order_by("path"),
            "kinds": UserKind.choices,
        },
    )


@manage_users
def user_edit(request, pk=None):
    target = get_object_or_404(User, pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        if target is None:
            call = lambda: services.user_create(actor=request.user, password=form.cleaned_data["password1"], **data)  # noqa: E731
        elif approval.needs_approval(approval.Action.ROLE_CHANGE) and services.permission_change(target, data):
            call = lambda: _user_request(request.user, target, data)  # noqa: E731
        else:
            call = lambda: services.user_update(actor=request.user, user=target, **data)  # noqa: E731
        saved = _run_user_service(form, call)
        if saved:
            submitted = isinstance(saved, tuple)
            done = str(approval.SUBMITTED) if submitted else _("User %(name)s saved.") % {"name": saved.display_name}
            messages.success(request, done)
            return redirect("org:user_list")
    return _form_page(request, form, "org/user_form.html", {"target": target})


def _user_request(actor, target, data):
    """The request for a change of what a user may do or see (role, scope): kept as keys."""
    values = {name: getattr(value, "pk", value) for name, value in data.items()}
    params = {"user_id": target.pk, "values": values}
    return approval.submit(
        actor=actor, action=approval.Action.ROLE_CHANGE, params=params, target=f"user:{target.pk}"
    ), True


def _run_user_service(form, call):
    try:
        return run_service(form, call)
    except ValidationError as err:  # password validators
        form.add_error("password1" if "password1" in form.fields else None, err)
        return None


@manage_users
def user_password(request, pk):
    target = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=target, password=form.cleaned_data["password1"])
        except ValidationError as err:
            form.add_error("password1", err)
        else:
            messages.success(request, _("The password of %(name)s was reset.") % {"name": target.display_name})
            return redirect("org:user_list")
    return _form_page(request, form, "org/user_password.html", {"target": target})


@manage_users
@require_POST
def user_toggle_active(request, pk):
    target = get_object_or_404(User, pk=pk)
    run_and_report(
        request,
        lambda: services.user_update(actor=request.user, user=target, is_active=not target.is_active),
        _("User %(name)s saved.") % {"name": target.display_name},
    )
    return redirect("org:user_list")


def region_cascade(request):
    """htmx: the county/township/village/group block re-rendered for the levels chosen so far."""
    required = request.GET.get("required") == "1"
    form = CascadeOnlyForm(request.GET, required=required)
    return render(request, "org/_region_cascade_fields.html", {"form": form, "hide_errors": True})
