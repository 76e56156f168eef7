from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/<int:pk>/circular/", views.circular_current, name="circular"),
    path("dashboard/reports/<int:pk>/circulars/", views.circulars, name="circulars"),
    path("circulars/<int:pk>/", views.circular_preview, name="circular_preview"),
    path("circulars/<int:pk>/download.docx", views.circular_download, name="circular_download"),
    path("dashboard/reports/<int:pk>/export/<str:what>.<str:fmt>", views.export, name="dashboard_export"),
]
