"""A container registry and its client, speaking the OCI distribution API over real
HTTP: storage.py (what a registry keeps and its error codes), server.py (the HTTP
routes, a thread on 127.0.0.1), client.py (push and pull with a trace of requests),
cli.py (``k8slite registry``). Not part of the simulation: real sockets, real threads.

    with RegistryServer() as registry:
        client = RegistryClient(registry.url)
        client.push(layout, "hello:latest", "hello", "1.0")
"""

from k8slite.registry_server.client import RegistryClient, RegistryUnavailable
from k8slite.registry_server.server import RegistryServer
from k8slite.registry_server.storage import ERRORS, RegistryError, Storage

__all__ = ["ERRORS", "RegistryClient", "RegistryError", "RegistryServer", "RegistryUnavailable", "Storage"]
