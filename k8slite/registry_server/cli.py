"""``k8slite registry``: run k8slite's registry in the foreground, as
``docker run -p 5000:5000 registry:2`` would (stop it with Ctrl-C).

    k8slite registry --port 5000
    python -m k8slite.registry_server --port 5000
"""

from __future__ import annotations

import argparse

from k8slite.registry_server.server import RegistryServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="k8slite registry", description="Serve an OCI registry on 127.0.0.1.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on (0: any free port)")
    args = parser.parse_args(argv)
    try:
        registry = RegistryServer(args.host, args.port)
    except OSError as error:
        print(f"listen tcp {args.host}:{args.port}: bind: {error.strerror.lower() if error.strerror else error}")
        return 1
    print(f"k8slite registry listening on {registry.address} (docker pull {registry.address}/<name>:<tag>)",
          flush=True)
    try:
        registry.http.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        registry.http.server_close()
    return 0
