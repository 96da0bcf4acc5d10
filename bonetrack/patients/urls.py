from django.urls import include, path

from . import account, fracture_views, views

app_name = "patients"
urlpatterns = [
    path("account-deleted/", account.account_deleted, name="account-deleted"),
    path(
        "patients/<int:patient_id>/",
        include(
            [
                path("profile/", views.profile_edit, name="profile"),
                path("delete-account/", account.account_delete, name="account-delete"),
                path("fractures/", views.fracture_list, name="fracture-list"),
                path("fractures/<int:fracture_id>/edit/", fracture_views.fracture_edit, name="fracture-edit"),
                path("fractures/<int:fracture_id>/delete/", views.fracture_delete, name="fracture-delete"),
                path("risk-factors/", views.risk_factors, name="risk-factors"),
                path("risk-factors/falls/", views.fall_add, name="fall-add"),
                path("risk-factors/falls/<int:fall_id>/delete/", views.fall_delete, name="fall-delete"),
            ]
        ),
    ),
]
