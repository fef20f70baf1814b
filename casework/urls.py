"""The kernel's pages: home, sign-in and two-factor, language, and the centre admin's."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .signin import idle
from .signin import views as two_factor_views

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
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/setup/qr.svg", two_factor_views.qr, name="two_factor_qr"),
    path("accounts/two-factor/settings/", two_factor_views.manage, name="two_factor_manage"),
    path("accounts/two-factor/new-codes/", two_factor_views.new_codes, name="two_factor_new_codes"),
    path("accounts/two-factor/turn-off/", two_factor_views.turn_off, name="two_factor_turn_off"),
    path("accounts/session/", idle.status, name="idle_status"),
    path("language/", views.language_switch, name="language_switch"),
    path("centre/users/", views.centre_users, name="centre_users"),
    path("centre/users/new/", views.centre_user_create, name="centre_user_create"),
    path("centre/users/<id:pk>/", views.centre_user_edit, name="centre_user_edit"),
    path("centre/users/<id:pk>/unlock/", views.centre_user_unlock, name="centre_user_unlock"),
    path(
        "centre/users/<id:pk>/two-factor-reset/",
        views.centre_user_reset_two_factor,
        name="centre_user_reset_two_factor",
    ),
    path("centre/access-log/", views.access_log, name="access_log"),
]
