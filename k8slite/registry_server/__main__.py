"""``python -m k8slite.registry_server``: the same as ``k8slite registry``."""

from k8slite.registry_server.cli import main

raise SystemExit(main())
