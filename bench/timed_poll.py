"""`cchc-inbox` with the poll's per-stage timings logged (one DEBUG line per mailbox).

Run: .venv/bin/python -m bench.timed_poll --config FILE poll
"""

from __future__ import annotations

import logging

from ingest.cli import main

if __name__ == "__main__":
    logging.getLogger("ingest.poll.timings").setLevel(logging.DEBUG)
    main()
