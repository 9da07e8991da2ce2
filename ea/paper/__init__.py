"""The paper terminal: a simulated MT5 broker behind the file protocol.

`python -m ea.paper` runs it; PROTOCOL.md says what it must do. Standard
library only, so it starts fast and never imports Django.
"""

VERSION = "paper-1.0"
