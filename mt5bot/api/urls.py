from django.urls import include, path
from rest_framework import routers

from accounts.api import AccountViewSet
from history.api import CommandViewSet, SignalViewSet
from mapping.api import MappingViewSet
from mt5bot.api import docs, views

router = routers.DefaultRouter()
router.APIRootView = views.Root
router.register("accounts", AccountViewSet, basename="account")
router.register("signals", SignalViewSet, basename="signal")
router.register("commands", CommandViewSet, basename="command")
router.register("mappings", MappingViewSet, basename="mapping")

# The schema describes this API only, not the EA's endpoints under api/ea/
# nor the webhook (each has its own key and its own document).
documented = [
    path("api/", include(router.urls)),
    path("api/health/", views.HealthView.as_view(), name="api-health"),
]

urlpatterns = [
    path("health/", views.HealthView.as_view(), name="api-health"),
    path("schema/", docs.SchemaView.as_view(patterns=documented), name="api-schema"),
    path("docs/", docs.DocsView.as_view(), name="api-docs"),
    path("", include(router.urls)),
]
