"""The embedded emulator's process: ``python -m distillguard.local.emulator_server``.

Serves moto (with `moto_fixes` applied) on 127.0.0.1 at a free port, prints its URL as the first line of standard
output, and stops when its standard input closes: when the process that started it closes it, or exits however
it exits."""

from __future__ import annotations

import logging
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from distillguard.local import moto_fixes


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    moto_fixes.apply()
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    sys.stdout = sys.stderr  # nobody reads the pipe after the URL: moto's own prints must not fill it and block

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
