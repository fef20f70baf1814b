from django.urls import path

from . import views
from .import_views import partner_import

urlpatterns = [
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_create, name="partner_create"),
    path("partners/import/", partner_import, name="partner_import"),
    path("partners/<id:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<id:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<id:pk>/history/", views.partner_history, name="partner_history"),
    path("partners/<id:pk>/coaches/", views.desk_coach_add, name="desk_coach_add"),
    path(
        "partners/<id:pk>/coaches/<id:user_pk>/remove/",
        views.desk_coach_remove,
        name="desk_coach_remove",
    ),
    path("cases/<id:pk>/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/", views.referral_detail, name="referral_detail"
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/edit/", views.referral_edit, name="referral_edit"
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/status/",
        views.referral_status,
        name="referral_status",
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/feedback/",
        views.referral_feedback,
        name="referral_feedback",
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/consent/withdraw/",
        views.referral_withdraw_consent,
        name="referral_withdraw_consent",
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/sheet/",
        views.referral_sheet,
        name="referral_sheet",
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/history/",
        views.referral_history,
        name="referral_history",
    ),
    path("desk/", views.desk_home, name="desk_home"),
    path("desk/referrals/<id:pk>/", views.desk_referral, name="desk_referral"),
    path("desk/referrals/<id:pk>/status/", views.desk_referral_status, name="desk_referral_status"),
    path(
        "desk/referrals/<id:pk>/feedback/",
        views.desk_referral_feedback,
        name="desk_referral_feedback",
    ),
]
