"""The Django admin works under the site's CSP: no blocked inline style or script, no missing file."""

import pytest

from bedside.people.models import Capability
from bedside.testing import factories as f
from bedside.testing.browser import DESKTOP, serious_violations, sign_in
from bedside.testing.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation of the page's CSP, whether or not the browser also logs it.
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample || ''}`));
"""


@pytest.fixture
def administrator(make_person):
    return make_person(
        role=None, email="admin@example.org", is_staff=True, grants=[(Capability.ADMINISTER, None)]
    )


def test_admin_forms_load_without_csp_violations_missing_files_or_unlabelled_fields(
    administrator, live_server, page
):
    audience = f.AudienceFactory()
    pages = [
        "people/audience/add/",
        f"people/audience/{audience.pk}/change/",
        "people/grant/add/",
        "people/unit/add/",
        f"people/grant/{administrator.grants.first().pk}/change/",
        "assignments/assignmentrule/add/",
        "attestations/attestation/add/",
        "records/learningitem/add/",
    ]
    page.set_viewport_size(DESKTOP)
    page.add_init_script(COLLECT_VIOLATIONS)
    console: list[str] = []
    failed: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text} {m.location.get('url', '')}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    page.wait_for_url("**/today/")

    problems = {}
    for path in pages:
        console.clear()
        failed.clear()
        response = page.goto(f"{live_server.url}/admin/{path}")
        page.wait_for_load_state("load")
        assert response.status == 200, path
        found = {
            "csp": page.evaluate("window.__csp"),
            "console": [m for m in console if m.startswith(("error", "warning"))],
            "failed": list(failed),
            "axe": serious_violations(page),
        }
        if any(found.values()):
            problems[path] = found
    assert problems == {}
