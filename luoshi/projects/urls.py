"""The routes of 民生实事: the list, candidates and the vote, a project by hand, a project's page and its
forms, the self-evaluation; the list import and the two workbooks (``views.files``)."""

from django.urls import path

from .views import files, pages

urlpatterns = [
    path("projects/", pages.project_list, name="projects"),
    path("projects/candidates/", pages.candidates, name="project_candidates"),
    path("projects/new/", pages.project_new, name="project_new"),
    path("projects/sources/", pages.funding_sources, name="project_sources"),
    path("projects/import/", files.project_import, name="project_import"),
    path("projects/<int:year>/export.xlsx", files.project_export, name="project_export"),
    path("projects/<int:year>/performance.xlsx", files.performance_export, name="performance_export"),
    path("projects/<int:pk>/", pages.project_detail, name="project_detail"),
    path("projects/<int:pk>/publish/", pages.project_publish, name="project_publish"),
    path("projects/<int:pk>/budget/", pages.project_budget, name="project_budget"),
    path("projects/<int:pk>/stages/", pages.project_stages, name="project_stages"),
    path("projects/<int:pk>/indicators/", pages.project_indicators, name="project_indicators"),
    path("projects/<int:pk>/bands/", pages.project_bands, name="project_bands"),
    path("projects/<int:pk>/overrun/", pages.project_overrun, name="project_overrun"),
    path("projects/<int:pk>/promise/", pages.project_promise, name="project_promise"),
    path("projects/<int:pk>/acknowledge/", pages.project_acknowledge, name="project_acknowledge"),
    path("projects/<int:pk>/report/", pages.project_report, name="project_report"),
    path("projects/<int:pk>/evaluation/", pages.project_evaluation, name="project_evaluation"),
    path("projects/<int:pk>/evaluation/adjust/", pages.evaluation_adjust, name="evaluation_adjust"),
    path("projects/reports/<int:pk>/review/", pages.report_review, name="project_report_review"),
]
