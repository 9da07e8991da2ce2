"""
Django's JSON serialization, with times to the microsecond.

Django's encoder cuts datetimes to milliseconds; a backup must give back the
very timestamps history holds. Django's own json loader reads the result
(`loaddata database.json`), so only the writing side is registered, by
`mt5bot.backups`.
"""

from datetime import datetime, time

from django.core.serializers import json


class ExactEncoder(json.DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactEncoder)
        super()._init_options()


Deserializer = json.Deserializer
