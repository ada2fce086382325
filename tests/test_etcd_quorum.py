"""The etcd quorum model: a write commits on a majority; N members survive (N - 1) // 2 failures."""

import pytest

from k8slite.etcd_quorum import NO_LEADER, REQUEST_TIMED_OUT, EtcdCluster, EtcdError, MemberStopped
from k8slite.viz.quorum import quorum_picture


def writes_work(etcd: EtcdCluster) -> bool:
    try:
        etcd.put("/probe", "x")
    except EtcdError:
        return False
    return True


def test_three_members_keep_writing_with_one_down():
    etcd = EtcdCluster(3)
    assert etcd.quorum == 2 and etcd.leader == "etcd-1"
    assert etcd.put("/registry/pods/default/a", "a") == 1
    etcd.stop("etcd-1")  # the leader: the other two elect a new one
    assert etcd.leader == "etcd-2" and etcd.term == 2
    assert etcd.put("/registry/pods/default/b", "b") == 2
    assert etcd.get("/registry/pods/default/b") == "b"


def test_two_down_of_three_stops_writes_and_linearizable_reads():
    etcd = EtcdCluster(3)
    etcd.put("/a", "1")
    etcd.stop("etcd-2")
    etcd.stop("etcd-3")  # the leader etcd-1 can no longer reach a majority: it steps down
    assert etcd.leader is None
    with pytest.raises(EtcdError, match=f"^{REQUEST_TIMED_OUT}$"):
        etcd.put("/b", "2")
    with pytest.raises(EtcdError, match=f"^{NO_LEADER}$"):
        etcd.put("/b", "2", require_leader=True)
    with pytest.raises(EtcdError, match=REQUEST_TIMED_OUT):
        etcd.get("/a")
    assert etcd.get("/a", serializable_from="etcd-1") == "1"  # a member's own copy still answers
    with pytest.raises(MemberStopped):
        etcd.get("/a", serializable_from="etcd-2")


def test_a_failed_write_leaves_no_trace():
    etcd = EtcdCluster(3)
    etcd.stop("etcd-1")
    etcd.stop("etcd-2")
    assert not writes_work(etcd)
    assert [len(m.log) for m in etcd.members.values()] == [0, 0, 0]
    assert etcd.members["etcd-3"].store.revision == 0


def test_quorum_is_back_when_one_member_returns_and_it_catches_up():
    etcd = EtcdCluster(3)
    etcd.put("/a", "1")
    etcd.stop("etcd-1")
    etcd.put("/b", "2")  # etcd-1 misses this one
    etcd.stop("etcd-2")
    assert not writes_work(etcd)
    etcd.start("etcd-1")
    # etcd-1's log is behind etcd-3's, so etcd-3 wins the election and sends etcd-1 what it missed
    assert etcd.leader == "etcd-3"
    assert etcd.get("/b", serializable_from="etcd-1") == "2"
    assert etcd.put("/c", "3") == 3
    etcd.start("etcd-2")
    assert {m.store.revision for m in etcd.members.values()} == {3}
    assert {len(m.log) for m in etcd.members.values()} == {3}


def test_a_stopped_member_keeps_the_log_it_had():
    etcd = EtcdCluster(3)
    etcd.put("/a", "1")
    etcd.stop("etcd-3")
    etcd.put("/b", "2")
    assert [len(m.log) for m in etcd.members.values()] == [2, 2, 1]
    assert etcd.members["etcd-3"].term == 1


@pytest.mark.parametrize(("members", "tolerated"), [(1, 0), (2, 0), (3, 1), (4, 1), (5, 2), (6, 2), (7, 3)])
def test_n_members_tolerate_n_minus_one_over_two_failures(members, tolerated):
    for first in range(members):  # whichever members fail, leader or not
        etcd = EtcdCluster(members)
        names = list(etcd.members)
        order = names[first:] + names[:first]
        for down in range(members):
            assert writes_work(etcd) == (down <= tolerated), (members, order, down)
            etcd.stop(order[down])
        assert not writes_work(etcd)


def test_five_members_survive_two_failures_but_not_three():
    etcd = EtcdCluster(5)
    etcd.stop("etcd-1")
    etcd.stop("etcd-4")
    assert writes_work(etcd) and etcd.leader == "etcd-2"
    etcd.stop("etcd-2")
    assert etcd.leader is None and not writes_work(etcd)
    etcd.start("etcd-4")
    assert writes_work(etcd)


def test_status_and_mistakes():
    etcd = EtcdCluster(3)
    etcd.put("/a", "1")
    etcd.stop("etcd-2")
    lines = etcd.status().splitlines()
    assert lines[0].split() == ["MEMBER", "STARTED", "IS", "LEADER", "RAFT", "TERM", "RAFT", "INDEX", "REVISION"]
    assert lines[1].split() == ["etcd-1", "true", "true", "1", "1", "1"]
    assert lines[2].split() == ["etcd-2", "false", "false", "1", "1", "1"]
    assert repr(etcd) == "<EtcdCluster 3 members, 2 running, quorum 2, leader etcd-1, term 1>"
    with pytest.raises(KeyError, match="etcd-1, etcd-2, etcd-3"):
        etcd.stop("etcd-9")
    with pytest.raises(ValueError):
        EtcdCluster(0)


def test_the_picture_shows_every_member():
    etcd = EtcdCluster(3)
    etcd.put("/a", "1")
    etcd.stop("etcd-1")
    etcd.put("/b", "2")
    fig = quorum_picture(etcd, title="one of three stopped")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "etcd-1 · stopped" in texts and "etcd-2 · leader" in texts and "etcd-3 · follower" in texts
    assert any("2 of 3 members running, quorum 2: leader etcd-2" in t for t in texts)
    assert fig._repr_png_()[:4] == b"\x89PNG"
