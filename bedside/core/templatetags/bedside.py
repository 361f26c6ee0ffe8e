from django import template

from bedside.core import humanize

register = template.Library()


@register.filter
def when(moment, tz=None):
    return humanize.when(moment, tz) if moment else ""


@register.filter
def clock(moment, tz=None):
    return f"{humanize.local(moment, tz):%H:%M}" if moment else ""


@register.filter
def zone_place(tz):
    return humanize.zone_place(tz)


@register.filter
def day(moment, tz=None):
    return humanize.day(moment, tz) if moment else ""


@register.filter
def relative_to(moment, now):
    return humanize.relative(moment, now) if moment else ""


@register.filter
def thousands(number):
    """1234567 -> '1,234,567'; anything not a number is shown as it is."""
    if isinstance(number, bool) or not isinstance(number, int | float):
        return number
    return f"{number:,}"
