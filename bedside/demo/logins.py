"""The demo's sign-ins: one person for each way of using Bedside, all with one known password.

`DEMO_LOGINS` and `demo_logins_text()` are what the README and `make demo` print.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "bedside-demo-2026"
DEMO_DOMAIN = "demo.bedside.test"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    first_name: str
    last_name: str
    role: str  # job role code
    unit: str  # unit code of the primary job
    what: str
    grants: tuple[tuple[str, str, str | None], ...] = ()  # (capability, scope kind, site/unit code)
    superuser: bool = False
    works_shifts: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        f"nurse@{DEMO_DOMAIN}",
        "Maya",
        "Okafor",
        "RN",
        "HG-MICU",
        "Registered nurse, Medical ICU: overdue, due and done items, upcoming shifts",
        works_shifts=True,
    ),
    DemoLogin(
        f"educator@{DEMO_DOMAIN}",
        "Daniel",
        "Reyes",
        "RN",
        "HG-NED",
        "Nurse educator: teaches across Harbor General Hospital",
        grants=(("teach", "site", "HG"),),
    ),
    DemoLogin(
        f"manager@{DEMO_DOMAIN}",
        "Grace",
        "Whitfield",
        "RN",
        "HG-MICU",
        "Nurse manager of the Medical ICU",
        grants=(("manage", "unit", "HG-MICU"),),
    ),
    DemoLogin(
        f"librarian@{DEMO_DOMAIN}",
        "Priya",
        "Natarajan",
        "RN",
        "HG-NED",
        "Librarian: curates the care library (versions, reviews, collections, QR codes)",
        grants=(("curate", "system", None),),
    ),
    DemoLogin(
        f"compliance@{DEMO_DOMAIN}",
        "Samuel",
        "Adeyemi",
        "ADMIN",
        "HG-ADM",
        "Compliance officer: reports across Commonwealth Health",
        grants=(("report", "system", None),),
    ),
    DemoLogin(
        f"physician@{DEMO_DOMAIN}",
        "Elena",
        "Marsh",
        "ATT",
        "HG-MICU",
        "Attending physician, Medical ICU: CME credit, certificates and a licence period partly done",
    ),
    DemoLogin(
        f"cme@{DEMO_DOMAIN}",
        "Tomas",
        "Lindqvist",
        "ADMIN",
        "HG-ADM",
        "CME office: activities, attendance and evaluations, suspicious check-ins, PARS exports",
        grants=(("cme", "system", None),),
    ),
    DemoLogin(
        f"admin@{DEMO_DOMAIN}",
        "Alex",
        "Morgan",
        "ADMIN",
        "HG-ADM",
        "System administrator (also the Django admin)",
        grants=(("administer", "system", None),),
        superuser=True,
    ),
)


def demo_logins_text() -> str:
    """The sign-ins as a small table, for the terminal and the README."""
    width = max(len(login.email) for login in DEMO_LOGINS)
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD})"]
    lines += [f"  {login.email:<{width}}  {login.what}" for login in DEMO_LOGINS]
    return "\n".join(lines)
