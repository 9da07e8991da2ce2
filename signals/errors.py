class PayloadError(Exception):
    """An alert we refuse, with a machine-readable code and the field at fault."""

    def __init__(self, code, detail, field=None, status=400):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.status = status

    def as_dict(self):
        return {"error": self.code, "detail": self.detail, "field": self.field}
