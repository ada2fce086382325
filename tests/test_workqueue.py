"""The work queue decides every controller's retries: client-go's rate limiter on the cluster clock."""

import pytest

from k8slite.clock import VirtualClock
from k8slite.errors import Conflict, Forbidden
from k8slite.workqueue import BucketRateLimiter, ItemExponentialFailureRateLimiter, RateLimiter, WorkQueue


def test_the_per_key_backoff_doubles_from_5ms_to_1000s_and_forget_starts_it_again():
    limiter = ItemExponentialFailureRateLimiter()
    delays = [limiter.when("default/web") for _ in range(20)]
    assert delays[:4] == [0.005, 0.01, 0.02, 0.04]
    assert delays[17] == pytest.approx(655.36) and delays[18:] == [1000.0, 1000.0]
    assert limiter.when("default/db") == 0.005  # each key has its own count
    assert limiter.num_requeues("default/web") == 20
    limiter.forget("default/web")
    assert limiter.num_requeues("default/web") == 0 and limiter.when("default/web") == 0.005


def test_the_overall_bucket_lets_100_through_then_10_a_second():
    clock = VirtualClock()
    bucket = BucketRateLimiter(clock)
    assert [bucket.when(f"k{i}") for i in range(100)] == [0.0] * 100
    assert bucket.when("k100") == pytest.approx(0.1)
    assert bucket.when("k101") == pytest.approx(0.2)
    clock.run(10.0)  # ten seconds refill the hundred tokens, less the two taken on credit
    assert bucket.when("k102") == 0.0


def test_the_default_limiter_waits_for_the_longer_of_the_two():
    clock = VirtualClock()
    limiter = RateLimiter(clock)
    for i in range(100):
        limiter.when(f"other-{i}")  # the burst is spent
    assert limiter.when("web") == pytest.approx(0.1)  # the bucket's 100 ms beats the key's 5 ms


def test_a_failing_sync_is_retried_with_growing_delays_and_a_success_forgets_it():
    clock = VirtualClock()
    attempts: list[float] = []
    outcome = {"fail": True}

    def sync(key: str) -> None:
        attempts.append(clock.now)
        if outcome["fail"]:
            raise Conflict('pods "web" was modified')

    queue = WorkQueue(clock, sync)
    queue.add("default/web")
    clock.run(0.1)
    assert attempts == pytest.approx([0.0, 0.005, 0.015, 0.035, 0.075])  # 5, 10, 20, 40 ms later
    assert queue.num_requeues("default/web") == 5
    assert queue.errors[0] == "error syncing 'default/web': pods \"web\" was modified, requeuing"
    outcome["fail"] = False
    clock.run(0.2)
    assert attempts[-1] == pytest.approx(0.155) and queue.num_requeues("default/web") == 0


def test_an_event_does_not_wait_for_the_backoff_and_a_later_timer_does_not_delay_a_retry():
    clock = VirtualClock()
    attempts: list[float] = []

    def sync(key: str) -> None:
        attempts.append(clock.now)
        raise Forbidden("exceeded quota")

    queue = WorkQueue(clock, sync)
    queue.add_after("rs", 60.0)  # e.g. minReadySeconds: look again in a minute
    queue.add("rs")
    clock.run(0.001)
    queue.add("rs")  # a watch event: processed now, whatever the back-off
    clock.run(0.002)
    assert attempts == [0.0, 0.001]
    clock.run(0.006)
    assert attempts == pytest.approx([0.0, 0.001, 0.005])  # the earliest timer wins


def test_a_bug_is_not_swallowed_as_a_retry():
    clock = VirtualClock()
    queue = WorkQueue(clock, lambda key: [][0])
    queue.add("x")
    with pytest.raises(IndexError):
        clock.run(1.0)
