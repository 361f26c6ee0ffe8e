import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bedside.audit.append_only import AppendOnlyError
from bedside.audit.models import AuditEntry
from bedside.records.models import Record, Verb
from bedside.records.queries import current_records, transcript
from bedside.records.services import record_add, record_correct
from bedside.testing import factories as f

pytestmark = pytest.mark.django_db


def test_records_are_never_edited_or_deleted(make_person, make_attestation):
    nurse = make_person()
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    record.evidence = "changed"
    with pytest.raises(AppendOnlyError, match="never edited"):
        record.save()
    with pytest.raises(AppendOnlyError, match="never deleted"):
        record.delete()


def test_a_correction_supersedes_with_who_and_why(make_person, make_attestation):
    icu = f.UnitFactory()
    nurse, educator = make_person(unit=icu), make_person(role=None, grants=[("validate", icu)])
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    with pytest.raises(ValidationError):
        record_correct(record=record, by=educator, reason="  ")
    fixed = record_correct(record=record, by=educator, reason="Entered for the wrong person", void=True)
    assert fixed.supersedes_id == record.pk and fixed.recorded_by == educator
    assert list(transcript(nurse)) == []
    assert Record.objects.count() == 2
    with pytest.raises(ValidationError):
        record_correct(record=record, by=educator, reason="again")
    assert AuditEntry.objects.filter(action="record.correct", target_id=str(fixed.pk)).exists()


def test_current_records_leave_out_superseded_rows(make_person, make_attestation):
    nurse, admin = make_person(), make_person(role=None, grants=[("administer", None)])
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    fixed = record_correct(record=record, by=admin, reason="Wrong date", verb=Verb.ACKNOWLEDGED)
    assert list(current_records()) == [fixed]


def test_only_those_who_oversee_a_person_correct_their_record_and_never_their_own(
    make_person, make_attestation
):
    icu, burns = f.UnitFactory(), f.UnitFactory()
    nurse = make_person(unit=icu)
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    colleague = make_person(unit=icu)
    other_units_educator = make_person(role=None, grants=[("teach", burns)])
    reporter = make_person(role=None, grants=[("report", icu)])
    educator_nurse = make_person(unit=icu, grants=[("teach", icu)])
    own = record_add(person=educator_nurse, item=record.item, verb=Verb.ACKNOWLEDGED, by=educator_nurse)
    for wrong in (nurse, colleague, other_units_educator, reporter):
        with pytest.raises(PermissionDenied):
            record_correct(record=record, by=wrong, reason="Wrong date", void=True)
    with pytest.raises(PermissionDenied, match="your own record"):
        record_correct(record=own, by=educator_nurse, reason="I did it twice", void=True)
    assert Record.objects.count() == 2 and not AuditEntry.objects.filter(action="record.correct").exists()
    assert (
        record_correct(record=record, by=educator_nurse, reason="Wrong date", void=True).supersedes == record
    )
