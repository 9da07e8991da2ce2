"""The OpenAPI schema, and a plain HTML page made from it.

drf-spectacular's Swagger UI and Redoc views load their JavaScript from a CDN
unless drf-spectacular-sidecar is installed; this install fetches nothing from
outside, so /api/docs/ is the schema rendered server-side, without scripts.
Any OpenAPI tool can load /api/schema/ for more.
"""

from django.template import engines
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import StaticHTMLRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from mt5bot.api.base import ApiMixin
from mt5bot.api.throttling import UserRate

METHODS = ("get", "post", "put", "patch", "delete")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ info.title }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 .2rem; border-top: 1px solid #ddd;
     padding-top: .8rem; }
code { background: #f3f3f3; padding: 0 .25em; }
table { border-collapse: collapse; margin: .4rem 0; }
td, th { border: 1px solid #ddd; padding: .15rem .5rem; text-align: left;
         vertical-align: top; }
.muted { color: #666; }
</style></head>
<body>
<h1>{{ info.title }} <span class="muted">version {{ info.version }}</span></h1>
<p>{{ info.description }}</p>
<p>Every endpoint needs a logged-in user: a session (log in first), or a header
<code>Authorization: Token &lt;key&gt;</code>. The schema itself:
<a href="{{ schema_url }}">{{ schema_url }}</a> (YAML) or
<a href="{{ schema_url }}?format=json">JSON</a>.</p>
{% for op in operations %}
<h2><code>{{ op.method }} {{ op.path }}</code></h2>
{% if op.summary %}<p>{{ op.summary|linebreaksbr }}</p>{% endif %}
{% if op.parameters %}<table><tr><th>parameter</th><th>in</th><th>type</th>
<th>meaning</th></tr>{% for p in op.parameters %}
<tr><td><code>{{ p.name }}</code>{% if p.required %} *{% endif %}</td>
<td>{{ p.in }}</td><td>{{ p.schema.type|default:"" }}{% if p.schema.enum %}:
{{ p.schema.enum|join:", " }}{% endif %}</td>
<td>{{ p.description|default:"" }}</td></tr>{% endfor %}</table>{% endif %}
{% if op.body %}<p>Body: <code>{{ op.body }}</code></p>{% endif %}
<p class="muted">Answers: {{ op.responses|join:", " }}</p>
{% endfor %}
<h2>Objects</h2>
{% for name, fields in components %}
<h3 id="{{ name }}"><code>{{ name }}</code></h3>
<table><tr><th>field</th><th>type</th><th>meaning</th></tr>{% for f in fields %}
<tr><td><code>{{ f.name }}</code>{% if f.read_only %}
<span class="muted">(read-only)</span>{% endif %}</td><td>{{ f.type }}</td>
<td>{{ f.description }}</td></tr>{% endfor %}</table>
{% endfor %}
</body></html>
"""


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

    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRate]
    custom_settings = SCHEMA_SETTINGS


class DocsView(ApiMixin, APIView):
    """The schema as a readable page."""

    renderer_classes = [StaticHTMLRenderer]
    patterns = None  # the schema's urlpatterns, set in urls.py

    def get(self, request):
        generator = SchemaGenerator(patterns=self.patterns)
        with patched_settings(SCHEMA_SETTINGS):
            schema = generator.get_schema(request=request, public=True)
        context = {
            "info": schema["info"],
            "schema_url": reverse("api-schema"),
            "operations": list(operations(schema)),
            "components": list(components(schema)),
        }
        html = engines["django"].from_string(PAGE).render(context, request)
        return Response(html, content_type="text/html; charset=utf-8")


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


def ref_name(ref):
    return ref.rsplit("/", 1)[-1] if ref else ""


def type_name(prop):
    """ "string", or the name of the object or choice list it refers to."""
    ref = prop.get("$ref") or next(iter(prop.get("allOf", [])), {}).get("$ref")
    return prop.get("type") or ref_name(ref)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            content = op.get("requestBody", {}).get("content", {})
            body = next(iter(content.values()), {}).get("schema", {})
            yield {
                "method": method.upper(),
                "path": path,
                "summary": op.get("description", ""),
                "parameters": op.get("parameters", []),
                "body": ref_name(body.get("$ref")),
                "responses": list(op.get("responses", {})),
            }


def components(schema):
    for name, spec in schema.get("components", {}).get("schemas", {}).items():
        properties = spec.get("properties", {})
        yield (
            name,
            [
                {
                    "name": field,
                    "type": type_name(prop),
                    "read_only": prop.get("readOnly", False),
                    "description": prop.get("description", ""),
                }
                for field, prop in properties.items()
            ],
        )
