from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter, reverse_lazy

from . import views
from .converters import IdConverter
from .health import healthz

register_converter(IdConverter, "id")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", views.language_switch, name="language_switch"),
    path("healthz", healthz, name="healthz"),
    path("centre/users/", views.centre_users, name="centre_users"),
    path("centre/users/new/", views.centre_user_create, name="centre_user_create"),
    path("centre/users/<id:pk>/", views.centre_user_edit, name="centre_user_edit"),
    path("centre/users/<id:pk>/unlock/", views.centre_user_unlock, name="centre_user_unlock"),
    path("centre/access-log/", views.access_log, name="access_log"),
    path("", include("clients.urls")),
    path("", include("sessions.urls")),
    path("", include("referrals.urls")),
    path("", include("reminders.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
