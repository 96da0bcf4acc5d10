from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/bell/", views.notification_bell, name="notification-bell"),
    path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("patients/<int:patient_id>/reminders/", views.reminder_list, name="reminder-list"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
