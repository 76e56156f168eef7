"""The routes of 建议提案办理. The reply letter's route is in ``luoshi.urls``: it hands this app's view the
letter writer of ``luoshi.dashboards``, an app above this one."""

from django.urls import path

from . import views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/import/", views.proposal_import, name="proposal_import"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/commitments/", views.commitment_list, name="proposal_commitments"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="proposal_assign"),
    path("proposals/<int:pk>/split/", views.proposal_split, name="proposal_split"),
    path("proposals/<int:pk>/acknowledge/", views.proposal_acknowledge, name="proposal_acknowledge"),
    path("proposals/<int:pk>/relief/", views.proposal_relief, name="proposal_relief"),
    path("proposals/<int:pk>/opinions/", views.proposal_opinion, name="proposal_opinion"),
    path("proposals/<int:pk>/contacts/", views.proposal_contact, name="proposal_contact"),
    path("proposals/<int:pk>/replies/", views.proposal_reply, name="proposal_reply"),
    path("proposals/reliefs/<int:pk>/decide/", views.relief_decide, name="relief_decide"),
    path("proposals/replies/<int:pk>/review/", views.reply_review, name="reply_review"),
    path("proposals/commitments/<int:pk>/meet/", views.commitment_meet, name="commitment_meet"),
    path("proposals/commitments/<int:pk>/link/", views.commitment_link, name="commitment_link"),
    path("v/<str:token>/", views.verdict, name="verdict"),
]
