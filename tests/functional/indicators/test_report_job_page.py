"""The "Make a report" job page follows the job without a reload (HTMX polling its status fragment)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from factories import IndicatorFactory, InitiativeFactory

from renkei.indicators.models import Report
from renkei.indicators.tasks import KIND, STEP
from renkei.jobs.models import Job
from renkei.jobs.services import job_create


def test_a_waiting_job_is_polled_and_a_finished_one_reloads_into_its_report(
    client: Any, owner: Any, owner_org: Any
) -> None:
    initiative = InitiativeFactory(key="init-a", organisation=owner_org)
    IndicatorFactory(key="students-a", initiative=initiative)
    client.force_login(owner)
    waiting = job_create(kind=KIND, step=STEP, user=owner,
                         params={"owner": "initiative", "key": "init-a", "language": "ja"})  # fmt: skip
    page = client.get(reverse("indicators:report-job", kwargs={"job_id": waiting.pk})).content.decode()
    status_url = reverse("indicators:report-job-status", kwargs={"job_id": waiting.pk})
    assert f'hx-get="{status_url}"' in page
    assert "htmx" in page  # the script is served from our static files
    fragment = client.get(status_url)
    assert "HX-Refresh" not in fragment
    assert 'hx-trigger="every 1s"' in fragment.content.decode()
    # the queue runs jobs at once here: the job is done when the form's request returns
    made = client.post(reverse("indicators:report-new", kwargs={"kind": "initiative", "key": "init-a"}),
                       {"language": "en"})  # fmt: skip
    job_id = made["Location"].rstrip("/").split("/")[-1]
    assert Job.objects.get(pk=job_id).state == Job.State.DONE
    done = client.get(reverse("indicators:report-job-status", kwargs={"job_id": job_id}))
    assert done["HX-Refresh"] == "true"
    assert "hx-get" not in done.content.decode()
    report = Report.objects.get(job_id=job_id)
    assert report.language == "en"  # the form's choice, read from its body
    assert client.get(made["Location"])["Location"] == reverse(
        "indicators:report-detail", kwargs={"uuid": report.uuid}
    )
