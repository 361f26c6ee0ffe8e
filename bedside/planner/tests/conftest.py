"""The campaigns tests' small hospital serves the planner's page tests too."""

from bedside.campaigns.tests.conftest import hospital, make_campaign  # noqa: F401
