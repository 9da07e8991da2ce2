"""Every endpoint of the REST API, for the tests that must try them all."""

ENDPOINTS = [
    ("get", "/api/"),
    ("get", "/api/accounts/"),
    ("post", "/api/accounts/"),
    ("get", "/api/accounts/1123456/"),
    ("patch", "/api/accounts/1123456/"),
    ("delete", "/api/accounts/1123456/"),
    ("post", "/api/accounts/1123456/start/"),
    ("post", "/api/accounts/1123456/stop/"),
    ("post", "/api/accounts/1123456/restart/"),
    ("get", "/api/signals/"),
    ("get", "/api/signals/1/"),
    ("get", "/api/commands/"),
    ("get", "/api/commands/1/"),
    ("get", "/api/mappings/"),
    ("post", "/api/mappings/"),
    ("get", "/api/mappings/resolve/?symbol=XAUUSD"),
    ("get", "/api/health/"),
    ("get", "/api/schema/"),
    ("get", "/api/docs/"),
    ("get", "/api/docs/?script="),
]
