"""Customer pages (客户新增, 客户查询, 客户详情) and contact records (沟通登记, 沟通查询)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.viewhelpers import id_param, paginate, require_perm, run_and_report, run_service, wants_export
from xindai.customers import selectors, services
from xindai.customers.detail_sections import sections_for
from xindai.customers.forms import ContactChannelForm, ContactForm, CustomerForm
from xindai.customers.models import ContactChannel, Customer
from xindai.customers.selectors import customer_detail
from xindai.jobs.exports import export_response

view_customers = permission_required("customers.view", raise_exception=True)


@view_customers
def customer_list(request):
    filterset, customers = selectors.customer_search(request.user, request.GET)
    if wants_export(request, "customers.export"):
        return export_response(request, "customers")
    return render(
        request,
        "customers/customer_list.html",
        {
            "filter": filterset,
            "page": paginate(request, customers),
            "advanced_open": any(
                request.GET.get(k)
                for k in (
                    "registered_branch",
                    "registered_by",
                    "created_from",
                    "created_to",
                    "has_loans",
                    "has_overdue",
                )
            ),
        },
    )


def customer_show(request, pk):
    customer = customer_detail(request.user, pk)
    require_perm(request.user, "customers.view")
    context = {
        "customer": customer,
        "contacts": selectors.customer_contacts(request.user, customer)[:50],
        "history": selectors.customer_history(customer)[:50],
        "sections": _detail_sections(request.user, customer),
    }
    template = "customers/_customer_modal.html" if request.htmx else "customers/customer_detail.html"
    return render(request, template, context)


def _detail_sections(user, customer) -> list:
    """Sections later modules add to the customer record (loans, messages), in order."""
    return sections_for(user, customer)


def _duplicate_hint(request, form) -> None:
    """A duplicate ID number shows the existing customer (when in scope) instead of a bare error."""
    number = form.data.get("id_number", "")
    info = getattr(form, "id_info", None)
    existing = Customer.objects.visible_to(request.user).filter(id_number=info.number if info else number).first()
    if existing is not None:
        link = reverse("customers:detail", args=[existing.pk])
        form.errors.pop("id_number", None)
        form.add_error(
            "id_number",
            format_html(
                _('This ID number is already registered for <a href="{}">{}</a> ({}). Open that customer instead.'),
                link,
                existing.name,
                existing.village.name if existing.village_id else "",
            ),
        )
    elif "id_number" in form.errors:
        form.errors.pop("id_number")
        form.add_error(
            "id_number",
            _(
                "This ID number is already registered for a customer outside your data "
                "scope. Ask the branch that registered it."
            ),
        )


@permission_required("customers.add", raise_exception=True)
def customer_create(request):
    form = CustomerForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        customer = run_service(form, lambda: services.customer_create(actor=request.user, **form.service_values()))
        if customer:
            messages.success(request, _("Customer %(name)s registered.") % {"name": customer.name})
            return redirect("customers:detail", customer.pk)
        _duplicate_hint(request, form)
    return render(request, "customers/customer_form.html", {"form": form})


def customer_edit(request, pk):
    customer = customer_detail(request.user, pk)
    require_perm(request.user, "customers.change")
    form = CustomerForm(request.POST or None, instance=customer, actor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.customer_update(actor=request.user, customer=customer, **form.service_values())
        )
        if saved:
            messages.success(request, _("Customer %(name)s saved.") % {"name": saved.name})
            return redirect("customers:detail", saved.pk)
        _duplicate_hint(request, form)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@require_POST
def customer_delete(request, pk):
    customer = customer_detail(request.user, pk)
    require_perm(request.user, "customers.delete")
    deleted = run_and_report(
        request,
        lambda: services.customer_delete(actor=request.user, customer=customer),
        _("Customer %(name)s deleted.") % {"name": customer.name},
    )
    return redirect("customers:list") if deleted else redirect("customers:detail", pk)


@view_customers
def customer_pick(request):
    return JsonResponse({"results": selectors.customer_pick(request.user, request.GET.get("q", ""))})


@permission_required("customers.add_contact", raise_exception=True)
def contact_create(request):
    initial = {}
    if (customer_id := id_param(request, "customer")) is not None:
        initial["customer"] = customer_detail(request.user, customer_id).pk
    form = ContactForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact = run_service(form, lambda: services.contact_create(actor=request.user, **form.cleaned_data))
        if contact:
            messages.success(request, _("Contact with %(name)s recorded.") % {"name": contact.customer.name})
            return redirect("customers:detail", contact.customer_id)  # back to the customer, not the global list
    return render(request, "customers/contact_form.html", {"form": form})


@view_customers
def contact_detail(request, pk):
    """One contact record on its own page (沟通记录详情)."""
    contact = selectors.contact_detail(request.user, pk)
    return render(request, "customers/contact_detail.html", {"contact": contact})


@view_customers
def contact_list(request):
    filterset, contacts = selectors.contact_search(request.user, request.GET)
    if wants_export(request, "customers.export"):
        return export_response(request, "contacts")
    return render(request, "customers/contact_list.html", {"filter": filterset, "page": paginate(request, contacts)})


@permission_required("system.manage_settings", raise_exception=True)
def channel_list(request):
    edit_id = id_param(request, "edit")
    editing = get_object_or_404(ContactChannel, pk=edit_id) if edit_id is not None else None
    form = ContactChannelForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        services.contact_channel_save(actor=request.user, channel=editing, **form.cleaned_data)
        messages.success(request, _("Contact channel saved."))
        return redirect("customers:channel_list")
    return render(
        request,
        "customers/channel_list.html",
        {"channels": ContactChannel.objects.all(), "form": form, "editing": editing},
    )
