from django.urls import include, path

from . import invitation_views, views

app_name = "careteams"
urlpatterns = [
    path("patients/", views.patient_list, name="patient-list"),
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("care-team/", views.care_team, name="care-team"),
                path("care-team/invite/", views.invite, name="invite"),
                path("care-team/invitations/<int:invitation_id>/cancel/", views.invitation_cancel, name="invitation-cancel"),
                path("care-team/<int:membership_id>/revoke/", views.revoke, name="revoke"),
                path("access-log/", views.access_log, name="access-log"),
            ]
        ),
    ),
    path("invitations/staff/<str:token>/", invitation_views.staff_invitation_accept_view, name="staff-invitation-accept"),
    path("invitations/care-team/<str:token>/", invitation_views.invitation_open, name="invitation-open"),
    path(
        "invitations/care-team/answer/<int:invitation_id>/",
        invitation_views.invitation_respond,
        name="invitation-respond",
    ),
]
