"""/api/v1 — Customers: search, detail, create and update."""

from rest_framework.response import Response

from xindai.api import inputs
from xindai.api import serializers as out
from xindai.api.pagination import Keyset, in_order, page_schema
from xindai.api.views.common import _doc, _page, _params, _query
from xindai.api.views_base import ApiView, body, bound, filtered, form_data, need, valid
from xindai.customers import selectors, services
from xindai.customers.filters import CustomerFilter
from xindai.customers.forms import CustomerForm
from xindai.org.models import Region, RegionLevel
from xindai.org.selectors import region_chain

# Customers --------------------------------------------------------------------------------------


class CustomerList(ApiView):
    keyset = Keyset("-id")

    @_doc(
        "客户查询",
        page_schema(out.CustomerSerializer),
        parameters=_params(CustomerFilter),
        tags=["customers"],
        op="customers_list",
    )
    def get(self, request):

        need(request.user, "customers.view")
        filterset, customers = selectors.customer_search(request.user, _query(request))
        ids, following = self.keyset.keys(request, filtered(filterset).qs)
        return _page(out.CustomerSerializer, in_order(customers.filter(pk__in=ids), ids), following, request)

    @_doc("客户新增", None, request=inputs.CustomerIn, responses={201: out.CustomerSerializer}, tags=["customers"])
    def post(self, request):

        need(request.user, "customers.add")
        data = _region_chain(form_data(body(request), inputs.CustomerIn().fields))
        form = valid(bound(CustomerForm, data, actor=request.user))
        customer = services.customer_create(actor=request.user, **form.service_values())
        shown = selectors.customer_detail(request.user, customer.pk)
        return Response(out.CustomerSerializer(shown, context={"request": request}).data, status=201)


class CustomerDetail(ApiView):
    @_doc("客户详情", out.CustomerSerializer, tags=["customers"])
    def get(self, request, pk):

        customer = selectors.customer_detail(request.user, pk)
        need(request.user, "customers.view")
        return Response(out.CustomerSerializer(customer, context={"request": request}).data)

    @_doc("客户修改", out.CustomerSerializer, request=inputs.CustomerPatch, tags=["customers"])
    def patch(self, request, pk):

        customer = selectors.customer_detail(request.user, pk)
        need(request.user, "customers.change")
        current = CustomerForm(instance=customer, actor=request.user)
        data = form_data({name: current[name].value() for name in current.fields}, current.fields)
        for name in ("county", "township", "village", "group"):
            data[name] = getattr(customer, f"{name}_id") or ""
        for key, values in form_data(body(request), inputs.CustomerIn().fields).lists():
            data.setlist(key, values)
        form = valid(CustomerForm(data, instance=customer, actor=request.user))
        services.customer_update(actor=request.user, customer=customer, **form.service_values())
        shown = selectors.customer_detail(request.user, pk)
        return Response(out.CustomerSerializer(shown, context={"request": request}).data)


def _region_chain(data):
    """The county and township of the given village, as the page's cascade would have chosen them."""

    village = data.get("village")
    if not str(village).isdigit():
        return data
    found = Region.objects.filter(pk=int(village), level=RegionLevel.VILLAGE).first()
    if found is not None:
        chain = region_chain(found)
        for name, level in (("county", RegionLevel.COUNTY), ("township", RegionLevel.TOWNSHIP)):
            if not data.get(name) and level in chain:
                data[name] = chain[level].pk
    return data
