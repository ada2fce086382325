"""An etcd cluster at a glance: its members, the leader, and the log each member holds.

Mirrors what `etcdctl endpoint status` and `etcdctl member list` tell an operator, drawn: one box
per member (grey when its machine is stopped, a thick outline for the leader), and under its
name the Raft log it holds, one square per write. A square drawn dashed is a write the member
missed while it was stopped; the leader sends it when the member runs again. The line under the
boxes says whether a majority runs, and so whether writes commit. Draws an
`k8slite.etcd_quorum.EtcdCluster`.
"""

from __future__ import annotations

from typing import Any

from matplotlib.patches import FancyBboxPatch, Patch, Rectangle

from k8slite.viz.figure import NotebookFigure

RUNNING_FACE, STOPPED_FACE = "#eaf4ea", "#dcdcdc"
EDGE, LEADER_EDGE = "#5b6b8c", "#1f4e8c"
ENTRY, MISSED = "#2e9e44", "#9a9a9a"
BOX_W, BOX_H, GAP = 3.0, 2.0, 0.4  # in data units, drawn at INCHES per unit
INCHES = 0.95


def quorum_picture(etcd: Any, title: str | None = None) -> NotebookFigure:
    """The members of `etcd` side by side, each with the log entries it holds."""
    members = list(etcd.members.values())
    longest = max([len(m.log) for m in members] + [1])
    size = min(0.45, (BOX_W - 0.4) / longest)
    width = len(members) * (BOX_W + GAP) - GAP + 0.4
    fig = NotebookFigure(figsize=(max(6.0, INCHES * width), INCHES * (BOX_H + 1.0) + (0.3 if title else 0)))
    ax = fig.add_subplot()
    for i, member in enumerate(members):
        x = i * (BOX_W + GAP)
        leads = member.name == etcd.leader
        ax.add_patch(FancyBboxPatch((x, 0), BOX_W, BOX_H, boxstyle="round,pad=0.04",
                                    fc=RUNNING_FACE if member.running else STOPPED_FACE,
                                    ec=LEADER_EDGE if leads else EDGE, lw=2.6 if leads else 1.0))
        role = "stopped" if not member.running else "leader" if leads else "follower" if etcd.leader else "no leader"
        ax.text(x + 0.15, BOX_H - 0.35, f"{member.name} · {role}", fontsize=10, fontweight="bold",
                color="#333333" if member.running else "#777777")
        ax.text(x + 0.15, BOX_H - 0.75, f"term {member.term}, revision {member.store.revision}", fontsize=8.5,
                color="#555555")
        draw_log(ax, x + 0.2, 0.35, size, len(member.log), longest)
    running = len(etcd.running())
    verdict = (f"leader {etcd.leader}: writes commit" if etcd.leader
               else "no leader: writes fail (etcdserver: request timed out)")
    ax.text(0, -0.45, f"{running} of {len(members)} members running, quorum {etcd.quorum}: {verdict}",
            fontsize=9.5, color="#1f4e8c" if etcd.leader else "#b22222")
    ax.legend(handles=[Patch(fc=ENTRY, label="a write in this member's log"),
                       Patch(fc="white", ec=MISSED, ls="--", label="a write it missed while stopped")],
              loc="upper right", bbox_to_anchor=(1.0, 0.02), ncol=2, fontsize=8, frameon=False)
    ax.set_xlim(-0.2, width - 0.2)
    ax.set_ylim(-0.8, BOX_H + 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def draw_log(ax: Any, x: float, y: float, size: float, held: int, longest: int) -> None:
    """`held` filled squares numbered from 1, then dashed ones up to `longest`."""
    for index in range(longest):
        has = index < held
        ax.add_patch(Rectangle((x + index * size, y), size * 0.85, size * 0.85, fc=ENTRY if has else "white",
                               ec=ENTRY if has else MISSED, ls="-" if has else "--", lw=1.0))
        if size >= 0.3:
            ax.text(x + index * size + size * 0.425, y + size * 0.425, str(index + 1), ha="center", va="center",
                    fontsize=7, color="white" if has else MISSED)
