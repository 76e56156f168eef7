from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.accounts import views as accounts
from luoshi.api.api import api
from luoshi.dashboards import views as dashboards
from luoshi.tasks.views import ledger as tasks
from luoshi.tasks.views import reports
from luoshi.tracking import views as tracking

admin.site.site_header = "luoshi 落实 · 管理"
admin.site.site_title = "luoshi 管理"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("healthz", accounts.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("units/", accounts.units, name="units"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/import/", reports.report_import, name="report_import"),
    path("reports/<int:pk>/", reports.report_review, name="report_review"),
    path("reports/<int:pk>/reimport/", reports.report_reimport, name="report_reimport"),
    path("reports/<int:pk>/bulk/", reports.report_bulk, name="report_bulk"),
    path("reports/<int:pk>/publish/", reports.report_publish, name="report_publish"),
    path("reports/<int:pk>/export.xlsx", reports.report_export, name="report_export"),
    path("reports/<int:pk>/spreadsheet/", reports.report_spreadsheet, name="report_spreadsheet"),
    path("tasks/", tracking.ledger, name="ledger"),
    path("tasks/<int:pk>/", tracking.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/merge/", tasks.task_merge, name="task_merge"),
    path("tasks/<int:pk>/split/", tasks.task_split, name="task_split"),
    path("tasks/<int:pk>/kind/", tasks.task_kind, name="task_kind"),
    path("tasks/<int:pk>/accept/", tasks.task_accept, name="task_accept"),
    path("tasks/<int:pk>/acknowledge/", tracking.task_acknowledge, name="task_acknowledge"),
    path("tasks/<int:pk>/milestones/", tasks.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/toggle/", tasks.milestone_toggle, name="milestone_toggle"),
    path("milestones/<int:pk>/delete/", tasks.milestone_delete, name="milestone_delete"),
    path("tasks/<int:pk>/progress/", tracking.report_submit, name="progress_submit"),
    path("tasks/<int:pk>/contributions/", tracking.contribution_submit, name="contribution_submit"),
    path("tasks/<int:pk>/extensions/", tracking.extension_request, name="extension_request"),
    path("tasks/<int:pk>/closing/", tracking.closing_request, name="closing_request"),
    path("tasks/<int:pk>/instructions/", tracking.instruction_add, name="instruction_add"),
    path("tasks/<int:pk>/decline/", tracking.decline_request, name="decline_request"),
    path("declines/<int:pk>/decide/", tracking.decline_decide, name="decline_decide"),
    path("progress/<int:pk>/review/", tracking.report_review, name="progress_review"),
    path("evidence/<int:pk>/", tracking.evidence_download, name="evidence_download"),
    path("extensions/<int:pk>/decide/", tracking.extension_decide, name="extension_decide"),
    path("closings/<int:pk>/decide/", tracking.closing_decide, name="closing_decide"),
    path("reports/<int:pk>/escalations.csv", tracking.escalation_export, name="escalation_export"),
    path("inbox/", tracking.inbox, name="inbox"),
    path("inbox/read/", tracking.inbox_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", tracking.inbox_read, name="inbox_read"),
    path("deliveries/", tracking.delivery_log, name="deliveries"),
    path("", include("luoshi.dashboards.urls")),
    path("", include("luoshi.public.urls")),
    # the reply letter is written by the 通报's generator, above the proposals app
    path("proposals/replies/<int:pk>/letter.docx", dashboards.reply_letter, name="reply_letter"),
    path("", include("luoshi.proposals.urls")),
    path("", include("luoshi.projects.urls")),
    path("", include("luoshi.audit.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
