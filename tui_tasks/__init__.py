"""tui-tasks: a keyboard-first terminal task manager."""

__version__ = "0.1.0"

import logging

# Log records go to the log file once the app sets it up, and nowhere before: never to stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())
