from django.db import DatabaseError, connection
from django.db.models import Count, Q
from django.http import JsonResponse

from accounts.models import Account, Supervisor, TerminalStatus


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
    terminals = Account.objects.aggregate(
        **{s: Count("id", filter=Q(status=s)) for s in TerminalStatus.values}
    )
    supervisor = supervisor_state()
    ok = supervisor != "gone"
    body = {
        "status": "ok" if ok else "degraded",
        "database": "ok",
        "supervisor": supervisor,
        "accounts": counts,
        "terminals": terminals,
    }
    return JsonResponse(body, status=200 if ok else 503)


def supervisor_state():
    """Whether a supervisor is "running", "gone" (it stopped beating) or "none"."""
    return Supervisor.objects.state()


def webhook_health(request):
    """GET /webhook/health: the intake answers and its database is reachable."""
    if not database_ok():
        return JsonResponse({"status": "degraded", "database": "error"}, status=503)
    return JsonResponse({"status": "ok"})
