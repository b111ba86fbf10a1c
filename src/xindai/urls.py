from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from xindai.core import views as core_views
from xindai.jobs.views_health import healthz
from xindai.org import views_auth

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", views_auth.PasswordLoginView.as_view(), name="login"),
    path("login/sms/", views_auth.sms_login, name="login_sms"),
    path("login/sms/send/", views_auth.sms_send_code, name="login_sms_send"),
    path("login/verify/", views_auth.second_factor, name="login_second"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views_auth.password_change, name="password_change"),
    path("columns/", views_auth.column_choice, name="column_choice"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("jobs/", include("xindai.jobs.urls")),
    path("system/", include("xindai.core.urls")),
    path("org/", include("xindai.org.urls")),
    path("api/", include("xindai.api.urls")),
]

# Each business app with pages mounts them under its own name.
urlpatterns += [
    path(f"{app}/", include(f"xindai.{app}.urls"))
    for app in (
        "customers",
        "loans",
        "repayments",
        "imports",
        "printing",
        "messaging",
        "reports",
        "collateral",
        "postloan",
        "credit",
    )
]
