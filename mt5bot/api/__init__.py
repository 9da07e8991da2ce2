"""The REST API under /api/: accounts, signals, commands, symbol mappings,
health, and its OpenAPI schema. Every endpoint needs a logged-in user (session
or token) whose role allows it (mt5bot.roles, mt5bot.api.base.ModelPermissions)
and counts against that user's RATE_LIMIT_API."""
