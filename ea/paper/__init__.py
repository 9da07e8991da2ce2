"""The paper terminal: a simulated MT5 broker behind the file protocol.

`python -m ea.paper` runs it; PROTOCOL.md says what it must do. Standard
library only, so it starts fast and never imports Django.
"""

import platform

VERSION = "paper-1.1"
# The heartbeat's `ea_build` (PROTOCOL.md 5): a paper terminal is not
# compiled; what it runs on is the interpreter.
BUILD = f"python-{platform.python_version()}"
