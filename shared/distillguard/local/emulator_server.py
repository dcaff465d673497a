"""The embedded emulator's process: ``python -m distillguard.local.emulator_server``.

Serves moto's WSGI app (with `moto_fixes` applied) through waitress on 127.0.0.1 at a free port, prints its URL as
the first line of standard output, and stops when its standard input closes: when the process that started it
closes it, or exits however it exits. Waitress keeps connections alive; werkzeug's server, which moto's own
`moto_server` uses, closes each one after its response, so every request of a replay paid for a new connection."""

from __future__ import annotations

import logging
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from waitress.server import create_server

from distillguard.local import moto_fixes

THREADS = 8  # as many as the clients send at once (8 query or prefetch threads); more only contend for the GIL
# A response's headers and body leave in one send: waitress's default (1 byte) flushes each write on its own.
SEND_BYTES = 65_536


def main() -> int:
    logging.getLogger("waitress").setLevel(logging.ERROR)
    moto_fixes.apply()
    app = DomainDispatcherApplication(create_backend_app)
    server = create_server(app, host="127.0.0.1", port=0, threads=THREADS, connection_limit=256, send_bytes=SEND_BYTES)
    print(f"http://127.0.0.1:{server.effective_port}", flush=True)
    sys.stdout = sys.stderr  # nobody reads the pipe after the URL: moto's own prints must not fill it and block

    threading.Thread(target=server.run, daemon=True).start()
    sys.stdin.read()  # returns when the parent closes it (or exits): the process ends, and the server with it
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
