import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from bedside.audit.models import AuditEntry
from bedside.people.models import Capability, Job, Person
from bedside.rosters.models import ImportStatus, RosterImport
from bedside.rosters.tests.conftest import PERSON_HEADER

pytestmark = pytest.mark.django_db

GOOD_CSV = (",".join(PERSON_HEADER) + "\nE1,Ana,Lopez,ana@example.org,2020-01-06,ICU,RN\n").encode()
BAD_CSV = (
    ",".join(PERSON_HEADER) + "\nE1,Ana,Lopez,,2020-01-06,ICU,RN\nE2,Ben,Okafor,,2020-02-30,XYZ,RN\n"
).encode()


@pytest.fixture
def admin(make_person):
    return make_person(role=None, grants=[(Capability.ADMINISTER, None)])


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def upload(client, content: bytes, name: str = "roster.csv", **data):
    return client.post(
        reverse("roster-imports"), {"file": SimpleUploadedFile(name, content), "kind": "", **data}
    )


def run_upload(client, django_capture_on_commit_callbacks, content, name="roster.csv", **data):
    """Upload; the task is queued on commit and the test settings run it at once."""
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, name, **data)
    return response, RosterImport.objects.latest("pk")


def test_people_without_the_administer_capability_get_403(client, make_person, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    nurse = make_person(unit=org.icu)
    manager = make_person(role=None, grants=[(Capability.MANAGE, org.icu)])
    job = RosterImport.objects.create(kind="persons", file_name="r.csv", file="imports/r.csv")
    for person in (nurse, manager):
        client.force_login(person)
        assert client.get(reverse("roster-imports")).status_code == 403
        assert upload(client, GOOD_CSV).status_code == 403
        assert client.get(reverse("roster-import", args=[job.pk])).status_code == 403
        assert client.get(reverse("roster-import-progress", args=[job.pk])).status_code == 403
    assert RosterImport.objects.count() == 1 and Person.objects.filter(employee_id="E1").count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("roster-imports"))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_upload_page_shows_the_form_the_columns_and_past_imports(
    admin_client, django_assert_max_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for n in range(5):
        RosterImport.objects.create(kind="persons", file_name=f"roster-{n}.csv", file="imports/x.csv")

    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("roster-imports"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="file"' in page and 'name="dry_run"' in page
    assert "job_role_code" in page and "source_id" in page  # the columns are documented
    assert page.count("roster-") >= 5
    assert f'href="{reverse("roster-imports")}">Roster</a>' in page  # the nav link, for admins


def test_an_upload_is_imported_in_the_background_and_its_page_shows_the_counts(
    admin_client, admin, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    response, job = run_upload(admin_client, django_capture_on_commit_callbacks, GOOD_CSV)

    assert response.status_code == 302 and response["Location"] == reverse("roster-import", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.kind == "persons"
    assert job.rows_total == job.rows_done == 1 and job.uploaded_by == admin
    assert job.summary["counts"]["persons_created"] == 1
    assert Person.objects.get(employee_id="E1").jobs.get().unit == org.icu
    assert AuditEntry.objects.filter(
        action="roster.person.create", actor=admin, origin="job:roster_import"
    ).exists()
    assert AuditEntry.objects.filter(action="roster.import.queue", actor=admin).exists()
    page = admin_client.get(response["Location"]).content.decode()
    assert "Succeeded" in page and "Persons added" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: nothing left to poll


def test_a_bad_file_names_every_bad_row_on_the_page_and_stores_nothing(
    admin_client, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    _, job = run_upload(admin_client, django_capture_on_commit_callbacks, BAD_CSV)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert [e["line"] for e in job.errors] == [3, 3]
    assert Person.objects.count() == 1 and Job.objects.count() == 0  # only the admin
    page = admin_client.get(reverse("roster-import", args=[job.pk])).content.decode()
    assert "Nothing was stored" in page
    assert "hire_date “2020-02-30” is not a date" in page and "unit_code “XYZ” is not a unit" in page
    assert '<td data-label="Line">3</td>' in page


def test_a_dry_run_upload_reports_what_would_change_and_stores_nothing(
    admin_client, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    _, job = run_upload(admin_client, django_capture_on_commit_callbacks, GOOD_CSV, dry_run="on")

    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and job.dry_run
    assert job.summary["counts"]["persons_created"] == 1
    assert not Person.objects.filter(employee_id="E1").exists()
    page = admin_client.get(reverse("roster-import", args=[job.pk])).content.decode()
    assert "Nothing was stored" in page and "What the import would change" in page


def test_an_xlsx_upload_is_imported(
    admin_client, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    workbook = Workbook()
    workbook.active.append(PERSON_HEADER)
    workbook.active.append(["E7", "Cy", "Ng", "", "2022-05-02", "MED", "RN"])
    content = io.BytesIO()
    workbook.save(content)

    _, job = run_upload(admin_client, django_capture_on_commit_callbacks, content.getvalue(), "roster.xlsx")

    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Person.objects.get(employee_id="E7").jobs.get().unit == org.med


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.pdf", b"%PDF-1.7", "Choose a .csv or .xlsx file; “roster.pdf” is .pdf."),
        ("roster.csv", b"", "The file is empty. Choose the roster file again."),
    ],
)
def test_a_wrong_or_empty_file_is_refused_with_an_error_summary(admin_client, name, content, message):
    response = upload(admin_client, content, name)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#id_file"' in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert RosterImport.objects.count() == 0


def test_a_missing_file_is_refused(admin_client):
    response = admin_client.post(reverse("roster-imports"), {"kind": ""})

    assert "Choose the roster file to upload." in response.content.decode()


def test_the_progress_partial_polls_until_the_import_has_finished(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = RosterImport.objects.create(
        kind="persons", file_name="r.csv", file="imports/r.csv", status=ImportStatus.RUNNING, rows_total=4000
    )
    RosterImport.objects.filter(pk=job.pk).update(phase="checking", rows_done=1000)
    url = reverse("roster-import-progress", args=[job.pk])

    running = admin_client.get(url, headers={"X-Bedside-Background": "1"}).content.decode()

    assert 'hx-trigger="every 1s"' in running and f'hx-get="{url}"' in running
    assert "X-Bedside-Background" in running
    assert '<progress max="100" value="25"' in running and "Checked 1,000 of 4,000 rows" in running

    RosterImport.objects.filter(pk=job.pk).update(status=ImportStatus.SUCCEEDED, summary={"counts": {}})
    finished = admin_client.get(url).content.decode()

    assert "hx-trigger" not in finished and "hx-get" not in finished
    assert "Succeeded" in finished


def test_the_detail_page_polls_while_the_import_is_queued(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = RosterImport.objects.create(kind="", file_name="r.csv", file="imports/r.csv")

    page = admin_client.get(reverse("roster-import", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in page and "Waiting to start" in page
    assert "style=" not in page  # the content security policy forbids inline styles


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_an_administrator_fixes_a_bad_roster_file_and_imports_it_in_a_browser(
    org, make_person, live_server, page, viewport, settings, tmp_path
):
    from bedside.testing.browser import DESKTOP, PHONE, check_page, sign_in
    from bedside.testing.factories import PASSWORD

    settings.MEDIA_ROOT = tmp_path / "media"
    make_person(role=None, email="admin@example.org", grants=[(Capability.ADMINISTER, None)])
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_bytes(BAD_CSV)
    good.write_bytes(BAD_CSV.replace(b"2020-02-30,XYZ", b"2020-02-03,MED"))
    page.set_viewport_size(PHONE if viewport == "phone" else DESKTOP)
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    page.goto(f"{live_server.url}{reverse('roster-imports')}")
    check_page(page, "roster-imports")

    page.get_by_role("button", name="Upload and import").click()
    assert page.get_by_role("alert").get_by_text("Choose the roster file to upload.").is_visible()

    page.get_by_label("Roster file", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_role("heading", name="Nothing was stored").wait_for()
    assert page.get_by_role("cell", name="unit_code “XYZ” is not a unit in Bedside.").is_visible()
    check_page(page, "roster-import-failed")

    page.get_by_role("link", name="Back to roster imports").click()
    page.get_by_label("Roster file", exact=True).set_input_files(str(good))
    page.get_by_role("button", name="Upload and import").click()
    page.get_by_text("Imported all 2 rows").wait_for()
    assert page.locator(".summary-list").get_by_text("Persons added").is_visible()
    check_page(page, "roster-import-succeeded")
    assert Person.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_an_import_delivered_twice_runs_once(admin, org, settings, tmp_path):
    from django.core.files.base import ContentFile

    from bedside.rosters.tasks import run_roster_import

    settings.MEDIA_ROOT = tmp_path
    job = RosterImport(kind="persons", file_name="r.csv", uploaded_by=admin)
    job.file.save("r.csv", ContentFile(GOOD_CSV))

    first = run_roster_import.call(job.pk)
    second = run_roster_import.call(job.pk)

    assert first["ok"] and second == {"skipped": True}
    assert Person.objects.filter(employee_id="E1").count() == 1


def test_the_import_service_refuses_anyone_but_an_administrator(make_person, org, settings, tmp_path):
    from django.core.exceptions import PermissionDenied

    from bedside.rosters.importing import roster_import_queue

    settings.MEDIA_ROOT = tmp_path
    manager = make_person(role=None, grants=[(Capability.MANAGE, org.icu)])
    with pytest.raises(PermissionDenied, match="Only administrators"):
        roster_import_queue(
            upload=SimpleUploadedFile("r.csv", GOOD_CSV), kind="persons", dry_run=False, actor=manager
        )
    assert not RosterImport.objects.exists()
