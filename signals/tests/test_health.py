import pytest


@pytest.mark.django_db
def test_health_counts_accounts_without_naming_them(client, cast):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["accounts"] == {"total": 4, "active": 2, "paused": 1, "disabled": 1}
    assert "1123456" not in response.content.decode()


@pytest.mark.django_db
def test_webhook_health_answers_without_a_token(client):
    assert client.get("/webhook/health").json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_is_503_when_the_database_fails(client, monkeypatch):
    monkeypatch.setattr("mt5bot.health.database_ok", lambda: False)
    assert client.get("/health").status_code == 503


@pytest.mark.django_db
def test_health_counts_terminals_by_status(client, cast):
    cast["main"].status = "online"
    cast["main"].save()
    body = client.get("/health").json()
    assert body["terminals"] == {
        "stopped": 3,
        "starting": 0,
        "online": 1,
        "degraded": 0,
        "offline": 0,
    }
    assert body["supervisor"] == "none"


@pytest.mark.django_db
def test_health_is_503_once_the_supervisor_stops_beating(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Supervisor

    run = Supervisor.objects.create(pid=1)
    assert client.get("/health").json()["supervisor"] == "running"
    run.beat_at = timezone.now() - timedelta(
        seconds=settings.SUPERVISOR_STALE_AFTER + 1
    )
    run.save()
    response = client.get("/health")
    assert (response.status_code, response.json()["supervisor"]) == (503, "gone")
