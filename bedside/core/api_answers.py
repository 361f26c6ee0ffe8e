"""The error answers of the API, written into its OpenAPI document where an operation gives them.

django-ninja documents only the answers a view returns itself; the errors come from
the API's authentication, its parameter validation and its exception handlers, the
same way for every operation. They are derived here from what the document already
says of each operation, so a new router's operations are documented without a line of
their own:

- 401 for every operation that needs authentication (all of them);
- 422 for every operation that takes parameters or a body (they fail validation);
- 404 for every operation with a path parameter (unknown, or outside your scope);
- 400 for every operation with a date-time parameter (out of range, or an empty window);
- 403 for every unsafe method a browser session may call (the CSRF check).
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
INVALID_INPUT = {
    "title": "InvalidInput",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                },
                "required": ["type", "loc", "msg"],
            },
        }
    },
    "required": ["detail"],
}
UNSAFE = {"post", "put", "patch", "delete"}


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _is_date_time(schema: dict[str, Any]) -> bool:
    return schema.get("format") == "date-time" or any(_is_date_time(s) for s in schema.get("anyOf", []))


def error_answers(method: str, operation: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The error answers `operation` (an OpenAPI operation object) really gives."""
    parameters = operation.get("parameters", [])
    security = operation.get("security") or []
    answers: dict[int, dict[str, Any]] = {}
    if any(p.get("in") == "path" for p in parameters):
        answers[404] = _answer("Not found, or outside your scope (the API never says which)", "Error")
    if any(_is_date_time(p.get("schema", {})) for p in parameters):
        answers[400] = _answer("A date-time out of range, or a window that ends before it starts", "Error")
    if security:
        answers[401] = _answer("Not signed in, or the API token is not valid", "Error")
    if method in UNSAFE and any("SignedInSession" in s for s in security):
        answers[403] = _answer("A browser session sent no valid X-CSRFToken header", "Error")
    if parameters or "requestBody" in operation:
        answers[422] = _answer("A parameter or the body does not match this document", "InvalidInput")
    return answers


def with_error_answers(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (an OpenAPI document) with every operation's error answers and their schemas added."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            for status, answer in error_answers(method, operation).items():
                operation["responses"].setdefault(status, answer)
            operation["responses"] = dict(sorted(operation["responses"].items(), key=lambda kv: int(kv[0])))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("InvalidInput", INVALID_INPUT)
    return document
