from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("notifications/<id:pk>/read/", views.notification_read, name="notification_read"),
    path("centre/reminders/", views.centre_reminders, name="centre_reminders"),
    path(
        "centre/reminders/<id:pk>/resend/",
        views.centre_reminder_resend,
        name="centre_reminder_resend",
    ),
]
