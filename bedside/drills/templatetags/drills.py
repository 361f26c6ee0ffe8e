from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.873 -> '87%'."""
    if value is None or value == "":
        return "–"
    return f"{float(value):.0%}"


@register.filter
def mmss(seconds) -> str:
    """95 -> '1:35'."""
    if seconds is None or seconds == "":
        return "–"
    seconds = int(round(float(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"
