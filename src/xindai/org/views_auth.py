"""Signing in: a password, or a code sent by SMS; optionally the code as a second step."""

from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindai.core.errors import BusinessError
from xindai.core.middleware import client_ip
from xindai.core.system_settings import get_system_settings
from xindai.org import login_codes, services
from xindai.org.forms import OwnPasswordForm, PasswordLoginForm, SecondFactorForm, SmsCodeRequestForm, SmsLoginForm
from xindai.org.models import User

PENDING_KEY = "xindai_pending_user"


def safe_next(request, fallback: str = "home") -> str:
    """Where to go after signing in: `next` only when it is a path of ours, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    ours = (
        target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    return target if ours else resolve_url(fallback)


def locked_out(request, credentials, *args, **kwargs):
    """django-axes calls this for a locked account or address."""
    return render(request, "registration/locked_out.html", status=429)


@method_decorator(login_not_required, name="dispatch")
class PasswordLoginView(auth_views.LoginView):
    form_class = PasswordLoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if get_system_settings().login_sms_required:
            return self._start_second_step(user)
        return super().form_valid(form)

    def _start_second_step(self, user: User):
        if not user.mobile:
            form = self.get_form()
            form.add_error(
                None,
                _(
                    "A code must be confirmed after the password, but your account has no mobile "
                    "number. Ask your administrator to add one."
                ),
            )
            return self.form_invalid(form)
        self.request.session[PENDING_KEY] = {"id": user.pk, "backend": user.backend, "next": self.get_redirect_url()}
        try:
            login_codes.login_code_request(phone=user.mobile, purpose="second", ip=client_ip(self.request), user=user)
        except BusinessError as err:
            self.request.session["xindai_second_error"] = str(err)
        return redirect("login_second")


def password_change(request):
    """修改密码: every signed-in user, for their own account (the session stays signed in)."""
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_change_own_password(
                actor=request.user, old_password=data["old_password"], password=data["new_password1"]
            )
        except BusinessError as err:
            form.add_error(err.field, str(err))
        except ValidationError as err:
            form.add_error("new_password2", err)
        else:
            auth.update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(request, "org/password_change.html", {"form": form})


@login_not_required
def second_factor(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("login")
    user = User.objects.filter(pk=pending["id"], is_active=True).first()
    if user is None:
        return redirect("login")
    form = SecondFactorForm(request.POST or None)
    error = request.session.pop("xindai_second_error", None)
    if request.method == "POST" and form.is_valid():
        verified = auth.authenticate(request, phone=user.mobile, code=form.cleaned_data["code"], purpose="second")
        if verified is not None and verified.pk == user.pk:
            del request.session[PENDING_KEY]
            auth.login(request, verified)
            return redirect(pending.get("next") or "home")
        form.add_error("code", _("The code is wrong or no longer valid."))
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "error": error, "masked": user.mobile[:3] + "****" + user.mobile[-4:]},
    )


@login_not_required
def sms_login(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SmsLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = auth.authenticate(request, phone=form.cleaned_data["phone"], code=form.cleaned_data["code"])
        if user is not None:
            auth.login(request, user)
            return redirect(safe_next(request))
        form.add_error("code", _("The code is wrong or no longer valid."))
    return render(request, "registration/sms_login.html", {"form": form})


@login_not_required
@require_POST
def sms_send_code(request):
    """htmx: send a code; the answer is the same whether or not the number is a user's."""
    form = SmsCodeRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "registration/_code_status.html", {"error": form.errors["phone"][0]})
    try:
        login_codes.login_code_request(phone=form.cleaned_data["phone"], ip=client_ip(request))
    except BusinessError as err:
        return render(request, "registration/_code_status.html", {"error": str(err)})
    return render(request, "registration/_code_status.html", {"sent": str(login_codes.CODE_SENT)})


@require_POST
def column_choice(request):
    """显示列: the columns the signed-in user hides on one list (`table`, `hidden` repeated), kept
    for them on every browser; columns.js posts it with the CSRF token in a header."""
    table, hidden = request.POST.get("table", ""), request.POST.getlist("hidden")
    try:
        names = services.user_columns_save(actor=request.user, table=table, hidden=hidden)
    except BusinessError as err:
        return JsonResponse({"error": str(err)}, status=400)
    return JsonResponse({"hidden": names})
