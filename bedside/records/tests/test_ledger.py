import pytest
from django.core.exceptions import ValidationError

from bedside.audit.append_only import AppendOnlyError
from bedside.audit.models import AuditEntry
from bedside.records.models import Record, Verb
from bedside.records.queries import current_records, transcript
from bedside.records.services import record_add, record_correct

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
    nurse, educator = make_person(), make_person()
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
    nurse = make_person()
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    fixed = record_correct(record=record, by=nurse, reason="Wrong date", verb=Verb.ACKNOWLEDGED)
    assert list(current_records()) == [fixed]
