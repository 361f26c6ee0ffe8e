"""Every schema the API names in its OpenAPI document is one shape: two classes of one name
would share one entry under components/schemas, and one of them would be documented wrongly."""

from collections import defaultdict

from ninja import Schema

import bedside.api  # noqa: F401  (imports every router and its schemas)


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("bedside.") and ".tests." not in sub.__module__:
            found.append(sub)
        found += _schemas(sub)
    return found


def test_no_two_api_schemas_of_one_name_differ():
    by_name = defaultdict(set)
    for cls in _schemas(Schema):
        by_name[cls.__name__].add(cls)
    clashes = {
        name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes)
        for name, classes in by_name.items()
        if len({str(c.model_json_schema()) for c in classes}) > 1
    }
    assert not clashes, f"Rename one of each: {clashes}"
