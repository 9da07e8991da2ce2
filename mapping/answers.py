"""What resolving answers: a Resolution, or an Unresolvable refusal."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Resolution:
    symbol: str
    how: str  # exact, custom, custom+rule, rule, fuzzy 0.87, unchecked, ...
    # For history's notes: the contract of the other kind that was not
    # chosen (mapping.kinds), else "".
    note: str = ""


class Unresolvable(Exception):
    """No instrument on this account's broker is the one the alert means
    (`symbol_not_found`), or two contracts of it are and the account does not
    say which kind it trades (`symbol_ambiguous`)."""

    def __init__(self, detail, code="symbol_not_found"):
        super().__init__(detail)
        self.detail = detail
        self.code = code
