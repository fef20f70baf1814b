from django.urls import path

from . import views

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("clients/<id:pk>/timeline/", views.client_timeline, name="client_timeline"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("cases/<id:pk>/sessions/new/", views.session_create, name="session_create"),
    path("cases/<id:pk>/sessions/draft/", views.session_draft, name="session_draft"),
    path(
        "cases/<id:pk>/sessions/draft/discard/",
        views.session_draft_discard,
        name="session_draft_discard",
    ),
    path("cases/<id:pk>/sessions/<id:session_pk>/", views.session_detail, name="session_detail"),
    path(
        "cases/<id:pk>/sessions/<id:session_pk>/draft/",
        views.session_draft,
        name="session_edit_draft",
    ),
    path(
        "cases/<id:pk>/sessions/<id:session_pk>/draft/discard/",
        views.session_draft_discard,
        name="session_edit_draft_discard",
    ),
    path("cases/<id:pk>/sessions/<id:session_pk>/edit/", views.session_edit, name="session_edit"),
    path("cases/<id:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("cases/<id:pk>/goals/<id:goal_pk>/", views.goal_detail, name="goal_detail"),
    path("cases/<id:pk>/goals/<id:goal_pk>/edit/", views.goal_edit, name="goal_edit"),
    path("cases/<id:pk>/goals/<id:goal_pk>/status/", views.goal_status, name="goal_status"),
    path("cases/<id:pk>/goals/<id:goal_pk>/progress/", views.goal_progress, name="goal_progress"),
    path(
        "cases/<id:pk>/sessions/<id:session_pk>/history/",
        views.session_history,
        name="session_history",
    ),
    path("cases/<id:pk>/goals/<id:goal_pk>/history/", views.goal_history, name="goal_history"),
    path("cases/<id:pk>/journey/", views.journey, name="journey"),
]
