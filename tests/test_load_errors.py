"""Every rule of the spec's "What a bad plan gets", fed as a real YAML file to the real CLI.

Each file in `tests/data/bad/` is named after its error and starts with one `# expect:` line per
problem: the exact text that follows `FILE:` on standard error, in order.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import transferplan
from transferplan.cli import main

BAD = Path(__file__).parent / "data" / "bad"
BAD_FILES = sorted(BAD.glob("*.yaml"))


def expected_lines(path: Path) -> list[str]:
    """The `# expect:` lines of a bad plan, as full `file:line:col: field: message` lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [f"{path}:{line.removeprefix('# expect: ')}" for line in lines if line.startswith("# expect: ")]


def summary(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''} found; nothing was solved."


def test_every_rule_has_a_bad_file() -> None:
    names = {p.stem for p in BAD_FILES}
    required = {
        "unknown_key",
        "unknown_site",
        "bare_number_size",
        "rate_as_size",
        "size_as_rate",
        "negative_size",
        "zero_rate",
        "same_at_and_to",
        "unknown_courier_pool",
        "unknown_drive_fleet_site",
        "duplicate_key",
        "bad_window",
        "bad_departures",
        "many_problems",
        "not_yaml",
        "efficiency_above_one",
        "dollars_in_eur",
    }
    assert required <= names
    for path in BAD_FILES:
        assert expected_lines(path), f"{path.name} has no '# expect:' line"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_plan_via_cli(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    expected = expected_lines(path)
    assert result.stderr.splitlines() == [*expected, summary(len(expected))]
    assert result.stdout == ""
    assert "Traceback" not in result.output


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_bad_plan_via_api(path: Path) -> None:
    with pytest.raises(transferplan.PlanError) as caught:
        transferplan.load(path)
    assert [str(p) for p in caught.value.problems] == expected_lines(path)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "name",
    ["unknown_site", "duplicate_key", "many_problems", "not_yaml", "dollars_in_eur", "start_without_time_zone"],
)
def test_bad_plan_via_installed_command(name: str) -> None:
    command = shutil.which("transferplan")
    assert command is not None, "the transferplan command is not installed"
    path = BAD / f"{name}.yaml"
    done = subprocess.run([command, "validate", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    expected = expected_lines(path)
    assert done.stderr.splitlines() == [*expected, summary(len(expected))]
    assert "Traceback" not in done.stderr + done.stdout


def test_many_problems_are_all_reported_at_once() -> None:
    expected = expected_lines(BAD / "many_problems.yaml")
    assert len(expected) >= 10
    fields = {line.split(": ")[1] for line in expected}
    assert {"objective", "budget", "datasets.video.to", "links.wan.bandwdith", "routes.flight.courier"} <= fields


def test_exact_message_for_an_unknown_site() -> None:
    # Written out once by hand, independent of the `# expect:` mechanism.
    path = BAD / "unknown_site.yaml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.stderr.splitlines()[0] == (
        f"{path}:6:15: datasets.video.at: unknown site 'hqq' (did you mean 'hq'?); known: gpu, hq"
    )


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}: cannot read the plan: No such file or directory", summary(1)]
    assert "Traceback" not in result.output


def test_missing_file_via_installed_command(tmp_path: Path) -> None:
    command = shutil.which("transferplan")
    assert command is not None
    done = subprocess.run([command, "validate", str(tmp_path / "x.yaml")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "cannot read the plan: No such file or directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"sites: \xff\xfe\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[0] == f"{path}: cannot read the plan: it is not UTF-8 text (byte 0xff at offset 7)"
    )
    assert "Traceback" not in result.output


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.write_text("")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}:1:1: the plan is empty: expected `sites` and `datasets`"


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.output
    assert "Traceback" not in result.output


def test_duplicate_keys_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "dups.yaml"
    path.write_text("sites:\n  a: {}\n  a: {}\ndatasets:\n  d: {at: a, to: b, size: 1 TB, size: 2 TB}\n")
    with pytest.raises(transferplan.PlanError) as caught:
        transferplan.load(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:3: sites.a: the key 'a' is given twice (first on line 2)",
        f"{path}:5:33: datasets.d.size: the key 'size' is given twice (first on line 5)",
    ]


def test_bad_override_value_points_at_set_not_the_file() -> None:
    path = Path(__file__).parent.parent / "examples" / "quick-start.yaml"
    result = CliRunner().invoke(main, ["validate", str(path), "--set", "links.wan.bandwidth=40"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}: links.wan.bandwidth: expected a rate such as '10 Gbps' (bits) or '270 MB/s' (bytes), "
        "got the bare value 40 (from --set)"
    )


def test_bad_override_path_via_cli() -> None:
    path = Path(__file__).parent.parent / "examples" / "quick-start.yaml"
    result = CliRunner().invoke(main, ["validate", str(path), "--set", "links.wam.bandwidth=40 Gbps"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "--set links.wam.bandwidth=40 Gbps: 'links.wam' is not in the plan (did you mean 'links.wan'?)",
        summary(1),
    ]
