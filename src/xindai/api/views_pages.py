"""我的 API 令牌: a user's tokens (every user's for a user manager), made and revoked here; the API
documentation pages."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.api import selectors, services
from xindai.api.forms import TokenForm
from xindai.core.viewhelpers import run_service

SHOW_ONCE = "api_new_token"  # the session key holding a new token until the page has shown it once


def token_list(request):
    form = TokenForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: services.token_create(
                actor=request.user,
                user=data.get("user") or request.user,
                name=data["name"],
                days=data["days"],
                allowed_ips=services.parse_addresses(data["allowed_ips"]),
            ),
        )
        if created:  # shown after the redirect, once (a reload makes no second token)
            request.session[SHOW_ONCE] = [created[0].name, created[1]]
            return redirect("api:tokens")
    created = request.session.pop(SHOW_ONCE, None) if request.method == "GET" else None
    context = {"form": form, "tokens": selectors.tokens_for(request.user)[:200], "created": created}
    return render(request, "api/token_list.html", context)


@require_POST
def token_revoke(request, pk):
    token = selectors.token_for(request.user, pk)
    try:
        services.token_revoke(actor=request.user, token_id=token.pk)
    except services.BusinessError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("API token %(name)s revoked.") % {"name": token.name})
    return redirect("api:tokens")
