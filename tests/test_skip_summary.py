"""The root conftest's closing summary: how many tests were skipped, one line per reason."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
#: Plugins the inner runs do without (hypothesis alone costs seconds per run).
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(ROOT_CONFTEST.read_text())
    pytester.makeini("[pytest]\nmarkers =\n    data: needs fetched recordings\n")
    return pytester


def test_skips_are_counted_by_reason_and_missing_data_is_named(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_walks="""
            import pytest

            pytestmark = pytest.mark.data

            @pytest.fixture(scope="module")
            def walks():
                pytest.skip("mobgap example data not available offline: `pip download mobgap` failed")

            def test_steps(walks): pass
            def test_bouts(walks): pass
        """,
        test_pictures="""
            import pytest

            @pytest.mark.data
            def test_pose():
                pytest.skip("test picture messi5.jpg not available offline: `apt-get download` failed")

            def test_runs(): pass
        """,
        test_posix="""
            import pytest

            @pytest.mark.skipif(True, reason="needs POSIX SIGKILL")
            def test_kill(): pass

            @pytest.mark.skipif(True, reason="needs POSIX SIGKILL")
            def test_kill_again(): pass
        """,
        test_radio="""
            import pytest

            pytest.importorskip("liike_no_such_module")

            def test_scan(): pass
        """,
    )
    result = project.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1, skipped=6)
    result.stdout.fnmatch_lines(
        [
            "*- skipped: 6, by reason -*",
            "data not available offline: 3 (test picture messi5.jpg, mobgap example data)",
            "needs POSIX SIGKILL: 2",
            "liike_no_such_module not installed: 1",
            "*1 passed, 6 skipped*",
        ],
        consecutive=False,
    )


def test_a_run_without_skips_says_so(project: pytest.Pytester) -> None:
    project.makepyfile("def test_runs(): pass\n")
    result = project.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*- skipped: 0 -*"])
    assert "by reason" not in result.stdout.str()


def test_an_unmarked_test_missing_data_keeps_its_own_reason(project: pytest.Pytester) -> None:
    project.makepyfile("""
        import pytest

        def test_pose():
            pytest.skip("test picture messi5.jpg not available offline: no network")
    """)
    result = project.runpytest_inprocess(*QUIET)
    result.stdout.fnmatch_lines(["test picture messi5.jpg not available offline: no network: 1"])
