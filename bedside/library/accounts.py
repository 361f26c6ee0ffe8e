"""Outside clinicians join the public library: an account with no job, which reads the public
collections only, acknowledges what it reads and keeps its own record (see docs/contracts.md, Access:
people with no job are outside staff grants)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bedside.audit.services import audit
from bedside.core.forms import AccessibleForm
from bedside.people.models import Person


class JoinForm(AccessibleForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="E-mail", help_text="You sign in with it.")
    organisation = forms.CharField(label="Where you work (optional)", max_length=200, required=False)
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput, help_text="At least 12 characters."
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Person.objects.filter(email__iexact=email).exists():
            raise ValidationError("An account with this e-mail exists: sign in, or reset its password.")
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            probe = Person(
                email=data.get("email"),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(data["password"], probe)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


@transaction.atomic
def external_learner_create(
    *, first_name: str, last_name: str, email: str, password: str, organisation: str = ""
) -> Person:
    """An external learner: no job, no grant; the public library and their own record only."""
    person = Person.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    audit(
        actor=person,
        action="library.external_learner.join",
        target=person,
        changes={"organisation": organisation},
    )
    return person


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("library")
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = external_learner_create(
            first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
            password=data["password"], organisation=data["organisation"],
        )  # fmt: skip
        login(request, person, backend="bedside.people.backends.StaffStatusBackend")
        return redirect("library")
    return render(request, "library/public/join.html", {"form": form})
