"""Record how Go's encoding/json writes the fields of the Kubernetes 1.32 types that k8slite models.

`python tests/golden/make_go_json_tags.py PATH` reads the types.go files of a
checkout of k8s.io/api at v0.32.1 (`git clone https://github.com/kubernetes/api;
git -C api checkout v0.32.1`) and writes go_json_tags.json beside this file:
{struct: {json name: [Go type, omitempty]}} for every struct whose name is
one of k8slite.api's dataclasses (core/v1 first, so `Event` is core/v1's).
metav1's ObjectMeta lives in k8s.io/apimachinery; its two times are written
here by hand. tests/test_go_json.py checks k8slite's serializer against it:
a number tagged omitempty is left out when 0, a metav1.Time that is not a
pointer is written `null` when unset, a string that is not omitempty is
written `""`.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "go_json_tags.json"
GROUPS = ("core/v1", "apps/v1", "batch/v1", "coordination/v1", "discovery/v1", "policy/v1", "scheduling/v1",
          "storage/v1", "autoscaling/v1")
OBJECT_META = {"creationTimestamp": ["metav1.Time", True], "deletionTimestamp": ["*metav1.Time", True]}
FIELD = re.compile(r'\s*\w+\s+([\w.*\[\]]+)\s+`json:"([^"]*)"')


def k8slite_structs() -> set[str]:
    import k8slite.api as api
    names = set()
    for module in pkgutil.iter_modules(api.__path__):
        for name, value in vars(importlib.import_module(f"k8slite.api.{module.name}")).items():
            if dataclasses.is_dataclass(value) and isinstance(value, type):
                names.add(name)
    return names


def go_structs(checkout: Path) -> dict[str, dict[str, list[object]]]:
    found: dict[str, dict[str, list[object]]] = {}
    for group in GROUPS:
        text = (checkout / group / "types.go").read_text()
        for struct in re.finditer(r"^type (\w+) struct \{\n(.*?)^\}", text, re.M | re.S):
            fields = {}
            for line in struct.group(2).splitlines():
                match = FIELD.match(line)
                if match:
                    name, *options = match.group(2).split(",")
                    fields[name] = [match.group(1), "omitempty" in options]
            found.setdefault(struct.group(1), fields)
    return found


def main(checkout: Path) -> None:
    structs = go_structs(checkout)
    wanted = k8slite_structs()
    table = {name: structs[name] for name in sorted(wanted) if name in structs}
    table["ObjectMeta"] = OBJECT_META
    GOLDEN.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
    print(f"{GOLDEN}: {len(table)} structs")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
