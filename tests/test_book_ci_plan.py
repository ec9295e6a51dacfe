"""medlib.book.ci_plan: unverified chapters always, a rotating sample within a time slice."""

from medlib.book.ci_plan import plan_reexecution, sample_start

CHAPTERS = ["a", "b", "c", "d", "e"]
RUNTIMES = {"a": 100.0, "b": 50.0, "c": 400.0, "d": 30.0, "e": 60.0}


def test_unverified_chapters_always_run_and_are_not_sampled_twice():
    plan = plan_reexecution(CHAPTERS, {"a", "b", "d", "e"}, RUNTIMES, "abc123", 120)
    assert plan.unverified == ["c"]
    assert "c" not in plan.sample and plan.sample
    assert plan.chapters[0] == "c"


def test_the_sample_fills_the_slice_and_its_first_chapter_is_always_taken():
    for commit in ("1", "2", "3", "4", "5", "6", "7"):
        plan = plan_reexecution(CHAPTERS, set(CHAPTERS), RUNTIMES, commit, 120)
        pool = sorted(CHAPTERS)
        first = pool[sample_start(commit, len(pool))]
        assert first in plan.sample
        rest = [c for c in plan.sample if c != first]
        assert sum(RUNTIMES[c] for c in plan.sample) <= 120 or not rest


def test_successive_commits_reach_every_chapter():
    seen = set()
    for number in range(40):
        seen |= set(plan_reexecution(CHAPTERS, set(CHAPTERS), RUNTIMES, f"{number:x}", 60).sample)
    assert seen == set(CHAPTERS)


def test_the_same_commit_gives_the_same_plan_in_chapter_order():
    one = plan_reexecution(CHAPTERS, set(CHAPTERS), RUNTIMES, "f00d", 200)
    assert one == plan_reexecution(CHAPTERS, set(CHAPTERS), RUNTIMES, "f00d", 200)
    assert one.sample == [c for c in CHAPTERS if c in one.sample]
