"""/api/v1 — Contact records and the message log; a message to one customer."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.response import Response

from xindai.api import inputs
from xindai.api import serializers as out
from xindai.api.pagination import Keyset, in_order, page_schema
from xindai.api.problems import bad_request
from xindai.api.views.common import _doc, _page, _params, _query
from xindai.api.views_base import ApiView, body, bound, filtered, form_data, need, valid
from xindai.customers import selectors as customer_selectors
from xindai.customers import services as customer_services
from xindai.customers.filters import ContactFilter
from xindai.customers.forms import ContactForm
from xindai.customers.models import Customer
from xindai.messaging import mass_sending
from xindai.messaging import selectors as message_selectors
from xindai.messaging.filters import MessageFilter
from xindai.messaging.models import Purpose

# Contacts and messages --------------------------------------------------------------------------


class ContactList(ApiView):
    keyset = Keyset("-contacted_at", "-id")

    @_doc("沟通查询", page_schema(out.ContactSerializer), parameters=_params(ContactFilter), tags=["customers"])
    def get(self, request):

        need(request.user, "customers.view")
        filterset, contacts = customer_selectors.contact_search(request.user, _query(request))
        ids, following = self.keyset.keys(request, filtered(filterset).qs)
        return _page(out.ContactSerializer, in_order(contacts.filter(pk__in=ids), ids), following, request)

    @_doc("沟通登记", None, request=inputs.ContactIn, responses={201: out.ContactSerializer}, tags=["customers"])
    def post(self, request):

        need(request.user, "customers.add_contact")
        form = valid(bound(ContactForm, form_data(body(request), inputs.ContactIn().fields), actor=request.user))
        contact = customer_services.contact_create(actor=request.user, **form.cleaned_data)
        return Response(out.ContactSerializer(contact, context={"request": request}).data, status=201)


class MessageList(ApiView):
    keyset = Keyset("-created_at", "-id")

    @_doc("发送记录", page_schema(out.MessageSerializer), parameters=_params(MessageFilter), tags=["messages"])
    def get(self, request):

        need(request.user, "messaging.view")
        filterset, rows, _totals = message_selectors.message_search(request.user, _query(request))
        filtered(filterset)
        ids, following = self.keyset.keys(request, rows)
        return _page(out.MessageSerializer, in_order(rows.filter(pk__in=ids), ids), following, request)

    @_doc(
        "发送短信/语音 to one customer (queued; sent by the worker)",
        None,
        request=inputs.MessageIn,
        responses={201: out.SendingSerializer},
        tags=["messages"],
    )
    def post(self, request):

        need(request.user, "messaging.send")
        data = body(request)
        customer_id, text = data.get("customer"), data.get("text")
        if not isinstance(customer_id, int) or isinstance(customer_id, bool):
            message = _("Give the id of a customer.")
            raise bad_request(message, [{"field": "customer", "detail": message}])
        if not isinstance(text, str) or not text.strip():
            message = _("Enter the text of the message.")
            raise bad_request(message, [{"field": "text", "detail": message}])
        channel = data.get("channel") or "sms"
        if channel not in ("sms", "voice"):
            message = _("The channel is sms or voice.")
            raise bad_request(message, [{"field": "channel", "detail": message}])
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_id)
        done = mass_sending.mass_send(
            actor=request.user,
            recipients=mass_sending.from_customers(Customer.objects.visible_to(request.user).filter(pk=customer.pk)),
            text=text,
            purpose=Purpose.MANUAL,
            source="API",
            channel=channel,
        )
        return Response(out.SendingSerializer(done).data, status=201)
