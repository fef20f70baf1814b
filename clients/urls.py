from django.urls import path

from . import views

urlpatterns = [
    path("clients/new/", views.client_create, name="client_create"),
    path("clients/<id:pk>/", views.client_file, name="client_file"),
    path("clients/<id:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<id:pk>/history/", views.client_history, name="client_history"),
    path("clients/<id:pk>/cases/new/", views.case_open, name="case_open"),
    path("cases/<id:pk>/", views.case_detail, name="case_detail"),
    path("cases/<id:pk>/status/", views.case_status, name="case_status"),
    path("cases/<id:pk>/shares/", views.case_share, name="case_share"),
    path(
        "cases/<id:pk>/shares/<id:user_pk>/withdraw/",
        views.case_share_withdraw,
        name="case_share_withdraw",
    ),
    path("cases/<id:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("cases/<id:pk>/history/", views.case_history, name="case_history"),
]
