"""What a terminal does with a command: the trade requests it sends and the
result it reports. The MQL5 EA implements the same rules; ea/vectors/ pins them.
"""

from ea.paper import closing, opening
from ea.paper.sending import Run

HANDLERS = {
    "BUY": opening.open_order,
    "SELL": opening.open_order,
    "CLOSE": closing.close_ticket,
    "CLOSE_SYMBOL": closing.close_symbol,
    "CLOSE_LONG": lambda run: closing.close_symbol(run, "buy"),
    "CLOSE_SHORT": lambda run: closing.close_symbol(run, "sell"),
    "CLOSE_ALL": closing.close_all,
    "MODIFY": closing.modify,
    "CANCEL": closing.cancel,
}


def execute(command, broker):
    """(result fields, [(request, result), ...]) for a checked command."""
    run = Run(command, broker)
    fields = HANDLERS[command["action"]](run)
    return fields, run.sent
