"""A PostgreSQL database of a bench's own, made for one run and dropped."""

import uuid

import psycopg
import psycopg.rows


class Database:
    """A fresh PostgreSQL database for the run, dropped afterwards."""

    def __init__(self, url):
        self.server = url.rsplit("/", 1)[0]
        self.name = f"mt5bot_soak_{uuid.uuid4().hex[:10]}"
        self.url = f"{self.server}/{self.name}"

    def __enter__(self):
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        return self

    def __exit__(self, *exc_info):
        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def rows(self, sql, args=()):
        with psycopg.connect(self.url, row_factory=psycopg.rows.dict_row) as db:
            return db.execute(sql, args).fetchall()
