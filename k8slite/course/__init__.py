"""The course around the book: exercise checks, the learner's workspace, course files.

``check`` and ``exercise`` are the two names notebooks use (see
``k8slite.course.checks``), and ``needs`` guards the learner's cells that use an
answer; ``excerpt`` prints a few lines of the package's source; ``manifest`` finds
the example YAML the notebooks apply; ``python -m k8slite.course workspace DIR``
makes a learner's copy of the book (see ``k8slite.course.workspace``).
"""

from __future__ import annotations

from pathlib import Path

from k8slite.course.checks import ExerciseNotDone, check, exercise, needs
from k8slite.course.source import excerpt

__all__ = ["ExerciseNotDone", "check", "excerpt", "exercise", "manifest", "manifests_folder", "needs"]


def manifests_folder() -> Path:
    """``manifests/`` at the top of the repository holding this package."""
    return Path(__file__).resolve().parents[2] / "manifests"


def manifest(name: str) -> str:
    """The path of a course manifest, e.g. ``c.apply(manifest("web.yaml"))``.

    The same call works in the book and in a workspace anywhere on disk, which a
    relative path would not. FileNotFoundError names the file and the folder.
    """
    folder = manifests_folder()
    path = folder / name
    if not path.is_file():
        raise FileNotFoundError(f"no course manifest {name!r} in {folder}")
    return str(path)
