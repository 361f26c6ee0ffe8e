"""Bedside's own deployment checks."""


def test_the_deploy_check_warns_while_the_base_url_is_left_at_localhost(settings):
    from bedside.web.checks import base_url_is_set

    settings.BEDSIDE_BASE_URL = "http://localhost:8000"
    assert [w.id for w in base_url_is_set(None)] == ["bedside.W001"]
    settings.BEDSIDE_BASE_URL = "https://bedside.example.org"
    assert base_url_is_set(None) == []
