"""The deeper API campaign behind `make fuzz` (not part of `make test` or CI).

The contract test (bedside/tests/test_api_contract.py) runs five fixed examples an
operation as a manager. This one draws new examples each run (FUZZ_EXAMPLES an
operation, 100 by default), valid and invalid, as a plain nurse, an educator, a
curator, a manager and without a token: no answer may be a 5xx, every status must
be one the document lists, every body must match its schema, and invalid data must
be refused. `DATABASE_URL=postgres://... make fuzz` runs it on PostgreSQL, which
refuses more (a NUL in text, an integer beyond 64 bits).
"""

import os

import pytest
from hypothesis import HealthCheck, settings
from schemathesis import openapi
from schemathesis.checks import ignored_auth, positive_data_acceptance

from bedside.assignments.services import rule_apply
from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.api import bearer
from bedside.tests.test_api_contract import test_transaction_kept_open  # noqa: F401  (a fixture)
from bedside.wsgi import application

schema = openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))


@pytest.fixture(params=["nurse", "educator", "curator", "manager", "anonymous"])
def caller_headers(request, test_transaction_kept_open, make_person, make_attestation, make_rule):  # noqa: F811
    """A unit with staff, shifts, a rule and its requirements; the headers of one kind of caller."""
    icu = f.UnitFactory(name="Medical ICU")
    nurses = [make_person(unit=icu) for _ in range(3)]
    for nurse in nurses:
        f.ShiftFactory(person=nurse, unit=icu)
    rule_apply(rule=make_rule(item=make_attestation("Hand hygiene policy").item, units=[icu]))
    callers = {
        "nurse": lambda: nurses[0],
        "educator": lambda: make_person(unit=icu, grants=[(Capability.TEACH, icu)]),
        "curator": lambda: make_person(role=None, grants=[(Capability.CURATE, None)]),
        "manager": lambda: make_person(unit=icu, role="NM", grants=[(Capability.MANAGE, icu)]),
    }
    return {} if request.param == "anonymous" else bearer(callers[request.param]())


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_whoever_calls(case, caller_headers):
    case.call_and_validate(
        headers=caller_headers,
        # As in the contract test: a schema-valid request may still break a rule OpenAPI cannot say.
        excluded_checks=[positive_data_acceptance, ignored_auth],
    )
