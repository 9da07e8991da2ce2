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
    monkeypatch.setattr("signals.health.database_ok", lambda: False)
    assert client.get("/health").status_code == 503
