"""The data of `kubectl create configmap` and `kubectl create secret generic`: where each key's value comes from.

Mirrors create_configmap.go's handleConfigMapFromLiteralSources,
handleConfigMapFromFileSources and handleConfigMapFromEnvFileSources (which
create_secret.go shares): `--from-literal=key=value`, `--from-file=[key=]path`
(a folder: one key per file in it, named after the file) and
`--from-env-file=path` (KEY=value lines; blank lines and `#` comments
skipped), each repeatable. The values are text; a Secret's are base64-encoded
by its generator. Left out: the checks that keys are valid and not repeated.
"""

from __future__ import annotations

from pathlib import Path

from k8slite.kubectl.command import Command, UsageError


def literal_data(cmd: Command) -> dict[str, str]:
    """--from-literal=k=v, --from-file=[key=]path (a folder: each file in it) and --from-env-file=path."""
    data: dict[str, str] = {}
    for item in cmd.flags.get("from_literal", []):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"invalid literal source {item}, expected key=value")
        data[key] = value
    for item in cmd.flags.get("from_file", []):
        key, sep, path = item.partition("=")
        source = Path(path if sep else item)
        files = sorted(f for f in source.iterdir() if f.is_file()) if source.is_dir() else [source]
        for file in files:
            try:
                data[key if sep and not source.is_dir() else file.name] = file.read_text()
            except OSError:
                raise UsageError(f"error reading {file}: no such file or directory") from None
    for path in cmd.flags.get("from_env_file", []):
        for line in Path(path).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                data[key.strip()] = value
    return data

