"""Learning records and audit lines cannot be changed or removed, by the ORM or by raw SQL."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from bedside.audit.append_only import AppendOnlyError, purge_allowed
from bedside.audit.models import AuditEntry
from bedside.audit.services import audit
from bedside.records.models import Record, Verb
from bedside.records.services import record_add

TABLES = ("records_record", "audit_auditentry")


@pytest.fixture
def ledger(db, make_person, make_attestation):
    """One learning record and its audit line."""
    nurse = make_person()
    record = record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    return record, AuditEntry.objects.get(action="record.add", target_id=str(record.pk))


def _refused(sql: str) -> str:
    with (
        pytest.raises(IntegrityError, match="append-only") as raised,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    return str(raised.value)


@pytest.mark.parametrize("table", TABLES)
def test_raw_sql_update_is_refused_by_the_database(ledger, table):
    column = "evidence" if table == "records_record" else "action"
    message = _refused(f"UPDATE {table} SET {column} = 'rewritten'")
    assert table in message and "UPDATE" in message
    assert not Record.objects.filter(evidence="rewritten").exists()
    assert not AuditEntry.objects.filter(action="rewritten").exists()


@pytest.mark.parametrize("table", TABLES)
def test_raw_sql_delete_is_refused_by_the_database(ledger, table):
    message = _refused(f"DELETE FROM {table}")
    assert table in message and "DELETE" in message
    assert Record.objects.count() == 1 and AuditEntry.objects.filter(action="record.add").count() == 1


def test_the_purge_flag_lets_delete_through_but_never_update(ledger):
    with purge_allowed(connection.alias):
        _refused("UPDATE records_record SET evidence = 'rewritten'")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry")
        assert not AuditEntry.objects.exists()
    _refused("DELETE FROM records_record")


@pytest.mark.parametrize("model", [Record, AuditEntry])
def test_querysets_refuse_update_and_delete(ledger, model):
    with pytest.raises(AppendOnlyError, match="append-only"):
        model.objects.all().update(at=ledger[0].at)
    with pytest.raises(AppendOnlyError, match="append-only"):
        model.objects.filter(pk__in=[ledger[0].pk]).delete()
    assert Record.objects.count() == 1


def test_related_managers_and_bulk_update_refuse_too(ledger):
    record, entry = ledger
    with pytest.raises(AppendOnlyError):
        record.person.records.update(evidence="rewritten")
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.filter(action="rewritten").count() == 0


def test_an_audit_line_is_never_saved_again_or_deleted(ledger, make_person):
    entry = audit(actor=make_person(), action="test.write", target=ledger[0])
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError, match="never edited"):
        entry.save()
    with pytest.raises(AppendOnlyError, match="never deleted"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_ledger_for_transactional_tests(make_person, make_attestation):
    nurse = make_person()
    record_add(person=nurse, item=make_attestation().item, verb=Verb.ACKNOWLEDGED, by=nurse)
    call_command("flush", interactive=False, verbosity=0)
    assert not Record.objects.exists() and not AuditEntry.objects.exists()
    nurse = make_person()
    record_add(person=nurse, item=make_attestation("Falls").item, verb=Verb.ACKNOWLEDGED, by=nurse)
    _refused("DELETE FROM records_record")  # the flag ends with the flush
