from django.db import models
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer

from mt5bot import tokens
from mt5bot.api.throttling import UserRate


class SecretFreeJSONRenderer(JSONRenderer):
    """JSON with the webhook token blanked out wherever it came from. Intake
    already blanks it in `raw_body`; a sender can still put it in a parsed
    field (a comment) or a rejection can quote it, and no answer may carry it."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        body = super().render(data, accepted_media_type, renderer_context)
        return tokens.blank_bytes(body)


class Refused(exceptions.APIException):
    """The request was understood, and the operation refused it as asked."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "refused"


class Conflict(exceptions.APIException):
    """The account's state (a terminal still running, one that cannot start)
    stopped the operation; the detail says what was left as it was."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ModelPermissions(permissions.DjangoModelPermissions):
    """The user's role decides (mt5bot.roles): reading takes the model's
    `view` permission, writing its add/change/delete, and an extra action
    the permissions its view names in `action_permissions`."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def _queryset(self, view):
        # The class's queryset names the model: get_queryset would read the
        # query's filters first, and answer 400 where 403 is due.
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)

    def has_permission(self, request, view):
        needed = getattr(view, "action_permissions", {}).get(view.action)
        if needed is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(needed))


def requires(*perms):
    """A permission class for a view without a model: these permissions."""

    class Requires(permissions.BasePermission):
        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.has_perms(perms))

    Requires.__doc__ = f"Takes {', '.join(perms)}."
    return Requires


class ApiMixin:
    """What every /api/ view shares besides the settings' defaults (session or
    token authentication): the user's role decides what it may do."""

    permission_classes = [ModelPermissions]
    throttle_classes = [UserRate]
    renderer_classes = [SecretFreeJSONRenderer]
    # JSON only: a form field cannot say null, and one format to document,
    # validate and fuzz is one fewer way to be misread.
    parser_classes = [JSONParser]

    def perform_content_negotiation(self, request, force=False):
        # One format per view. DRF would also read `?format=` as the answer's
        # format, and the signals list filters on a `format` of its own:
        # `?format=pineconnector` answered 404 (found by the API fuzz test).
        renderer = self.renderer_classes[0]()
        return (renderer, renderer.media_type)


def not_found(request, exception):
    """handler404: JSON under /api/ (a client parses it), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


# --- what every app's serializers and lists share -------------------------------


class Number(serializers.DecimalField):
    """A decimal column as a JSON number (0.1, not "0.1000000000")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(*args, **kwargs)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: Number,
    }


class Page(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Filter(serializers.Serializer):
    """Build with `data=request.query_params`; `filter(queryset)` validates.

    A parameter filters on the field `lookups` names for it (its own name by
    default), or through a method `filter_<name>(queryset, value)`."""

    lookups = {}

    def filter(self, queryset):
        self.is_valid(raise_exception=True)
        for name, value in self.validated_data.items():
            method = getattr(self, f"filter_{name}", None)
            if method is None:
                lookup = self.lookups.get(name, name)
                queryset = queryset.filter(**{lookup: value})
            else:
                queryset = method(queryset, value)
        return queryset


class TimeFilter(Filter):
    since = serializers.DateTimeField(
        required=False, help_text="Received at or after this time (ISO 8601)."
    )
    until = serializers.DateTimeField(
        required=False, help_text="Received before this time (ISO 8601)."
    )
    lookups = {"since": "received_at__gte", "until": "received_at__lt"}
