from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import JsonResponse

from accounts.models import Account


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def health(request):
    """GET /health: for uptime monitors. No secrets, no account numbers."""
    if not database_ok():
        return JsonResponse({"status": "degraded", "database": "error"}, status=503)
    counts = Account.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(enabled=True, trading_paused=False)),
        paused=Count("id", filter=Q(enabled=True, trading_paused=True)),
        disabled=Count("id", filter=Q(enabled=False)),
    )
    return JsonResponse({"status": "ok", "database": "ok", "accounts": counts})


def webhook_health(request):
    """GET /webhook/health: the intake answers and its database is reachable."""
    if not database_ok():
        return JsonResponse({"status": "degraded", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})
