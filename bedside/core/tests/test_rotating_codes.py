import datetime as dt

from bedside.core.rotating_codes import RotatingCode, Verdict, qr_svg

AT = dt.datetime(2026, 11, 30, 17, 0, 5, tzinfo=dt.UTC)


def test_a_code_holds_for_its_step_and_the_next_then_expires():
    code = RotatingCode(subject_id=7, secret="s")
    token, digits = code.token(AT), code.short_code(AT)
    later = AT + dt.timedelta(seconds=20)
    assert code.check(token, later) is Verdict.OK and code.check(digits, later) is Verdict.OK
    much_later = AT + dt.timedelta(seconds=45)
    assert code.check(token, much_later) is Verdict.EXPIRED
    assert code.check(digits, much_later) is Verdict.WRONG
    assert code.step_used(digits, later) == code.step_of(AT)


def test_codes_of_another_subject_or_secret_fail():
    ours, theirs = RotatingCode(subject_id=7, secret="s"), RotatingCode(subject_id=8, secret="t")
    assert ours.check(theirs.token(AT), AT) is Verdict.OTHER_SUBJECT
    forged = RotatingCode(subject_id=7, secret="other").token(AT)
    assert ours.check(forged, AT) is Verdict.WRONG
    assert ours.check("12ab", AT) is Verdict.MALFORMED
    assert ours.check("7.x.y", AT) is Verdict.MALFORMED


def test_digits_read_out_with_a_space_still_count():
    code = RotatingCode(subject_id=7, secret="s")
    digits = code.short_code(AT)
    assert code.check(f"{digits[:3]} {digits[3:]}", AT) is Verdict.OK


def test_qr_svg_is_inline_svg():
    svg = qr_svg("https://example.org/x", title="T")
    assert svg.startswith("<svg") and "<title>T</title>" in svg
