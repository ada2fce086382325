"""The VirtualClock: events in time order, FIFO at equal times, cancel, run(until); the RealClock's wake-up."""

import threading

from k8slite.clock import RealClock, VirtualClock


def test_callbacks_run_in_time_order_and_fifo_at_equal_times():
    clock, seen = VirtualClock(), []
    clock.call_later(5, lambda: seen.append(("b", clock.now)))
    clock.call_later(1, lambda: seen.append(("a", clock.now)))
    clock.call_later(5, lambda: seen.append(("c", clock.now)))
    clock.run(10)
    assert seen == [("a", 1), ("b", 5), ("c", 5)]
    assert clock.now == 10


def test_run_stops_at_until_and_leaves_later_events():
    clock, seen = VirtualClock(), []
    clock.call_later(3, lambda: seen.append(3))
    clock.call_later(30, lambda: seen.append(30))
    clock.run(10)
    assert seen == [3] and clock.now == 10 and clock.next_time() == 30


def test_cancelled_timer_never_runs():
    clock, seen = VirtualClock(), []
    timer = clock.call_later(1, lambda: seen.append(1))
    timer.cancel()
    clock.run(5)
    assert seen == []


def test_callbacks_scheduled_while_running_are_honoured():
    clock, seen = VirtualClock(), []

    def tick() -> None:
        seen.append(clock.now)
        if clock.now < 30:
            clock.call_later(10, tick)

    clock.call_soon(tick)
    clock.run(100)
    assert seen == [0, 10, 20, 30]


def test_step_returns_false_when_idle():
    assert VirtualClock().step() is False


def test_real_clock_wakes_for_work_handed_over_by_another_thread():
    clock = RealClock()
    clock.call_later(5, lambda: None)  # the next timer is far away
    ran: list[float] = []
    threading.Timer(0.05, lambda: clock.call_soon_threadsafe(lambda: ran.append(clock.now))).start()
    clock.run_next(5)
    assert len(ran) == 1 and 0.04 <= ran[0] < 1  # acted on at once, not when the timer came due
    assert clock.now < 1


def test_real_clock_run_stands_at_until_even_when_woken():
    clock = RealClock()
    ran: list[str] = []
    threading.Timer(0.02, lambda: clock.call_soon_threadsafe(lambda: ran.append("handed"))).start()
    clock.call_later(0.1, lambda: ran.append("timer"))
    clock.run(0.2)
    assert ran == ["handed", "timer"] and clock.now >= 0.2
