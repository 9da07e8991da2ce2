"""The OpenAPI schema, and Swagger UI on it.

Swagger UI's scripts and stylesheet come from drf-spectacular-sidecar and are
served from our own /static/ like the admin's (whitenoise), so the page
fetches nothing from outside.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mt5bot import roles
from mt5bot.api.base import requires
from mt5bot.api.throttling import UserRate

METHODS = ("get", "post", "put", "patch", "delete")


# Two models have a `status` of their own choices: name both enums.
SCHEMA_SETTINGS = {
    "ENUM_NAME_OVERRIDES": {
        "TerminalStatusEnum": "accounts.models.TerminalStatus",
        "CommandStatusEnum": "history.models.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mt5bot.api.docs.document_errors",
    ],
}

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: {"field": ["message", ...]}, "non_field_errors",
# or {"detail": "..."} when the operation itself refused.
INVALID = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
ERRORS = {
    "400": ("The input was invalid; the body names each field and why.", INVALID),
    "401": ("The token is wrong.", DETAIL),
    "403": ("Not logged in, or not allowed.", DETAIL),
    "404": ("No such object.", DETAIL),
    "429": ("Too many requests; try again later.", DETAIL),
}


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document of /api/ (YAML; `?format=json` for JSON)."""

    permission_classes = [requires(roles.SEES_ACCOUNTS)]
    throttle_classes = [UserRate]
    custom_settings = SCHEMA_SETTINGS


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI on the schema. The split view, not the plain one: Swagger
    UI's start-up script is not inline in the page but its own URL (the same
    path with `?script`), so the site's Content-Security-Policy, `script-src
    'self'`, lets it run as it is and needs no exception for this page. The
    page's one inline <style> block is allowed already (mt5bot.security)."""

    permission_classes = [requires(roles.SEES_ACCOUNTS)]
    throttle_classes = [UserRate]
    url_name = "api-schema"


def document_errors(result, generator, request, public):
    """Add the error answers every operation can give to the schema (drf-
    spectacular documents the successes), so clients and the fuzzer know them."""
    for item in result["paths"].values():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            # A path parameter that does not fit is a 404; a query or body a 400.
            queries = [p for p in op.get("parameters", []) if p["in"] != "path"]
            takes_input = queries or op.get("requestBody")
            for code, (text, schema) in ERRORS.items():
                if code == "400" and not takes_input:
                    continue
                content = {"application/json": {"schema": schema}}
                op["responses"].setdefault(
                    code, {"description": text, "content": content}
                )
    return result
