from django.urls import path

from . import views

urlpatterns = [
    path("public/", views.index, name="public_index"),
    path("public/method/", views.method, name="public_method"),
    path("public/data/columns.csv", views.columns_csv, name="public_columns_csv"),
    path("public/proposals/", views.proposals, name="public_proposals"),
    path("public/proposals/<int:pk>/", views.proposal, name="public_proposal"),
    path("public/projects/", views.projects, name="public_projects"),
    path("public/projects/<int:pk>/", views.project, name="public_project"),
    path("public/<int:year>/", views.year, name="public_year"),
    path("public/reports/<int:pk>/", views.report, name="public_report"),
    path("public/reports/<int:pk>/tasks.csv", views.report_csv, name="public_report_csv"),
    path("public/reports/<int:pk>/tasks/<str:code>/", views.task, name="public_task"),
    path("disclosure/<int:pk>/", views.manage, name="disclosure"),
    path("disclosure/<int:pk>/bulk/", views.manage_bulk, name="disclosure_bulk"),
    path("disclosure/tasks/<int:pk>/summary/", views.manage_summary, name="disclosure_summary"),
]
