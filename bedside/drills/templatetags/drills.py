from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.873 -> '87%'."""
    if value is None or value == "":
        return "–"
    return f"{float(value):.0%}"
