"""Needs and matching pages (namespace "matching"), mounted at matching/ by renkei/urls.py."""

from django.urls import path

from renkei.portal import matching_views as views
from renkei.portal import (
    params,  # noqa: F401  (registers the path converters)
    survey_import_views,
)

app_name = "matching"
urlpatterns = [
    path("", views.matching_home, name="home"),
    path("s/<str:token>/", views.survey_answer, name="survey-answer"),
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/new/", views.survey_new, name="survey-new"),
    path("surveys/<id:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<id:pk>/status/", views.survey_status, name="survey-status"),
    path("surveys/<id:pk>/invitations/", views.survey_invitations, name="survey-invitations"),
    path("surveys/<id:pk>/import/", survey_import_views.survey_import, name="survey-import"),
    path(
        "surveys/<id:pk>/import/<str:token>/",
        survey_import_views.survey_import_mapping,
        name="survey-import-mapping",
    ),
    path("invitations/<id:pk>/<slug:action>/", views.invitation_action, name="invitation-action"),
    path("responses/<id:pk>/", views.response_detail, name="response-detail"),
    path("hearings/new/", views.hearing_new, name="hearing-new"),
    path("hearings/<id:pk>/", views.hearing_detail, name="hearing-detail"),
    path("needs/", views.need_list, name="need-list"),
    path("needs/new/", views.need_new, name="need-new"),
    path("needs/<id:pk>/", views.need_detail, name="need-detail"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<id:pk>/", views.run_detail, name="run-detail"),
    path("runs/<id:pk>/status/", views.run_status, name="run-status"),
    path("runs/<id:pk>/<slug:action>/", views.run_action, name="run-action"),
    path("matches/<id:pk>/", views.match_detail, name="match-detail"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps.csv", views.gaps_csv, name="gaps-csv"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<id:pk>/", views.proposal_detail, name="proposal-detail"),
]
