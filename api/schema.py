"""What drf-spectacular cannot see from the views, added to every operation of the schema.

- Every error status an operation can answer, with the JSON body it carries (api/exceptions.py),
  so that a client (and schemathesis' `--checks all`) knows each one: 400, 401, 403, 404, 406
  and 429 everywhere; 304 on a detail (If-None-Match); 409, 412, 413 and 415 on writes.
- Downloads as what they are: a CSV, XLSX or JSON Lines body is a file, not the JSON list.
- `Accept-Language` on every operation: the language of messages, never of names or codes.
- Query parameters as the server reads them: an empty value is no value (HTML forms, the
  browsable API's filter form, send every field), and a cursor is what links carry. (The
  filters document their own values: api/filters.py.)
"""

ERROR = {
    "type": "object",
    "description": "`detail` says what went wrong, `code` names it for machines.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail", "code"],
}
# A 400 (or a 404 of an unknown code in a filter) names each parameter or field it refuses.
FIELD_ERRORS = {
    "type": "object",
    "description": "Each refused parameter or field with its messages (`non_field_errors` for "
    "the record as a whole); a general error has `detail` and `code` instead.",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}
FILE = {"type": "string", "format": "binary"}
JSON = "application/json"

ALWAYS = {
    "400": ("Bad request: a parameter or field is refused; each is named.", "FieldErrors"),
    "401": ("No valid key or session.", "Error"),
    "403": ("The key or account may not do this.", "Error"),
    "404": (
        "No such record among those the caller may read, an unknown code in a filter (named), "
        "or a cursor that no link gave.",
        "FieldErrors",
    ),
    "406": ("The `Accept` header or `format` asks for a type the endpoint does not give.", "Error"),
    "429": ("Too many requests: `Retry-After` says when to try again.", "Error"),
}
WRITES = {
    "409": (
        "A record with this key exists already (`Location` names it where it has an "
        "address), or the report the record belongs to is handed in (`frozen`).",
        "FieldErrors",
    ),
    "412": ("`If-Match` names a version the record no longer has.", "Error"),
    "413": ("The body is too large.", "Error"),
    "415": ("The body's `Content-Type` is not one the endpoint reads.", "Error"),
}
NO_NUL = "^[^\x00]*$"  # PostgreSQL cannot store a NUL character: every text refuses it
LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "description": "The language of messages (`detail`, field errors): Japanese by default, "
    "`en` for English. Names, codes and the schema never change with it; labels come in both "
    "languages as data.",
    # Any value: one naming no language of ours gets Japanese, as a browser's would.
    "schema": {"type": "string"},
}
NOT_MODIFIED = {"304": {"description": "Not modified since the `ETag` sent in If-None-Match."}}


def document(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular's POSTPROCESSING_HOOKS entry."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"], schemas["FieldErrors"] = ERROR, FIELD_ERRORS
    for name, component in schemas.items():
        if name.endswith("Request"):
            _refuse_nul(component)
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            _responses(operation, method, detail=path.rstrip("/").endswith("}"))
            if "{code}" in path:  # a record's address, or one under it (indicators, archive)
                operation["responses"].update(_moved(method))
            for parameter in operation.get("parameters", []):
                _parameter(parameter)
            operation.setdefault("parameters", []).append(LANGUAGE)
    return result


def _responses(operation: dict, method: str, detail: bool) -> None:
    responses = operation["responses"]
    for answer in responses.values():
        for media_type, body in answer.get("content", {}).items():
            if media_type != JSON:
                body["schema"] = FILE
    statuses = ALWAYS | (WRITES if method in ("post", "put", "patch", "delete") else {})
    for status, (description, component) in statuses.items():
        reference = {"$ref": f"#/components/schemas/{component}"}
        responses.setdefault(
            status, {"description": description, "content": {JSON: {"schema": reference}}}
        )
    if method == "get" and detail:
        responses.update(NOT_MODIFIED)


def _moved(method: str) -> dict:
    """A code staff renamed (programs/codes.py): 301, or 308 for a write (its method kept)."""
    status = "301" if method in ("get", "head") else "308"
    description = "The code was renamed: `Location` is the record's address now."
    reference = {"$ref": "#/components/schemas/Error"}
    headers = {"Location": {"schema": {"type": "string", "format": "uri"}}}
    return {
        status: {
            "description": description,
            "headers": headers,
            "content": {JSON: {"schema": reference}},
        }
    }


def _refuse_nul(component: dict) -> None:
    for field in component.get("properties", {}).values():
        free_text = field.get("type") == "string" and not field.keys() & {
            "enum",
            "pattern",
            "format",
        }
        if free_text:
            field["pattern"] = NO_NUL


def _parameter(parameter: dict) -> None:
    if parameter["in"] != "query":
        return
    if parameter["name"] == "cursor":  # URL-safe base64 (api/pagination.py)
        parameter["schema"]["pattern"] = "^[A-Za-z0-9_-]*$"
    if not parameter.get("required"):
        parameter["allowEmptyValue"] = True
