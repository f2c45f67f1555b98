"""SharedWork: each key's work once per run, shared by every asker, bounded, never dropping work still running."""

from __future__ import annotations

import asyncio

import pytest

from domeinwacht.lru import SharedWork


def run(coroutine):
    return asyncio.run(coroutine)


def test_concurrent_askers_of_a_key_share_one_run_of_the_work():
    calls = []

    async def main():
        work: SharedWork[str, int] = SharedWork(max_entries=10)

        async def probe():
            calls.append(1)
            await asyncio.sleep(0.01)
            return 42

        return await asyncio.gather(*(work.get("mx", probe) for _ in range(50)))

    assert run(main()) == [42] * 50
    assert len(calls) == 1


def test_finished_results_are_kept_up_to_max_entries_least_recently_used_dropped_first():
    async def main():
        work: SharedWork[int, int] = SharedWork(max_entries=4)

        async def value(i):
            return i

        for i in range(10):
            await work.get(i, lambda i=i: value(i))
        await work.get(6, lambda: value(-1))  # 6 used again: 7 is now the oldest
        await work.get(10, lambda: value(10))
        return work

    work = run(main())
    assert list(work._tasks) == [8, 9, 6, 10]


def test_work_still_running_is_never_dropped_to_make_room():
    async def main():
        work: SharedWork[str, str] = SharedWork(max_entries=2)
        gate = asyncio.Event()

        async def slow():
            await gate.wait()
            return "slow"

        async def quick(i):
            return i

        pending = asyncio.ensure_future(work.get("slow", slow))
        await asyncio.sleep(0)
        for i in range(5):
            await work.get(f"q{i}", lambda i=i: quick(i))
        held = work.holds("slow")
        gate.set()
        return held, await pending

    assert run(main()) == (True, "slow")


def test_an_asker_that_is_cancelled_does_not_cancel_the_work_the_others_wait_for():
    calls = []

    async def main():
        work: SharedWork[str, str] = SharedWork(max_entries=10)

        async def probe():
            calls.append(1)
            await asyncio.sleep(0.05)
            return "done"

        impatient = asyncio.ensure_future(work.get("k", probe))
        patient = asyncio.ensure_future(work.get("k", probe))
        await asyncio.sleep(0.01)
        impatient.cancel()
        return await patient, impatient.cancelled()

    assert run(main()) == ("done", True)
    assert len(calls) == 1


def test_work_that_was_cancelled_itself_is_done_again_for_its_waiters():
    calls = []

    async def main():
        work: SharedWork[str, str] = SharedWork(max_entries=10)

        started = asyncio.Event()

        async def first_stuck_then_fresh():
            calls.append(1)
            started.set()
            if len(calls) == 1:
                await asyncio.Event().wait()
            return "fresh"

        waiter = asyncio.ensure_future(work.get("k", first_stuck_then_fresh))
        await started.wait()
        work._tasks["k"].cancel()  # cancelled with the run that started it, not by the waiter
        return await asyncio.wait_for(waiter, 5), await work.get("k", first_stuck_then_fresh)

    assert run(main()) == ("fresh", "fresh")
    assert len(calls) == 2


@pytest.mark.parametrize(("keep_errors", "expected_calls"), [(True, 1), (False, 2)])
def test_a_failure_is_kept_or_asked_again_as_configured(keep_errors, expected_calls):
    calls = []

    async def main():
        work: SharedWork[str, int] = SharedWork(max_entries=10, keep_errors=keep_errors)

        async def failing():
            calls.append(1)
            raise TimeoutError("no answer")

        for _ in range(2):
            with pytest.raises(TimeoutError, match="no answer"):
                await work.get("k", failing)

    run(main())
    assert len(calls) == expected_calls


def test_with_a_weight_the_total_weight_of_finished_results_stays_bounded():
    async def main():
        work: SharedWork[int, bytes] = SharedWork(max_entries=100, max_weight=250, weigh=len)

        async def blob(i):
            return bytes(100)

        for i in range(10):
            await work.get(i, lambda i=i: blob(i))
        return work

    work = run(main())
    assert work.weight <= 250
    assert list(work._tasks) == [8, 9]
