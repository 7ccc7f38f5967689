"""``backpath score`` command: single form, CSV, JSON, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.score_cli import run

STARTBACK_HIGH = [
    "leg_pain=1", "shoulder_neck=1", "walk_short=0", "dress_slow=1", "fear=1",
    "worry=1", "catastrophising=1", "anhedonia=0", "bothersome=3",
]  # fmt: skip
COMI_HEADER = ",".join(
    ["main_problem", "back_pain", "leg_pain", "function", "wellbeing", "quality_of_life",
     "social_disability", "work_disability"]
)  # fmt: skip


OREBRO_ALL_5 = [
    f"{item}=5"
    for item in ("duration", "pain", "depressed", "anxious", "persist_risk",
                 "work_chance", "pain_stop", "normal_work", "light_work", "sleep")
]  # fmt: skip


def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), io.StringIO(stdin), out, err)
    return code, out.getvalue(), err.getvalue()


def test_single_form_table() -> None:
    code, out, err = call("startback", *STARTBACK_HIGH)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["total  psychosocial  risk", "    7             4  high"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["startback", *STARTBACK_HIGH],
            {"instrument": "startback", "total": 7, "psychosocial": 4, "risk": "high"},
        ),
        (["nrs", "pain=6"], {"instrument": "nrs", "pain": 6}),
        (["orebro", *OREBRO_ALL_5], {"instrument": "orebro", "total": 50, "elevated_risk": True}),
    ],
)
def test_single_form_json(argv: list[str], expected: dict[str, object]) -> None:
    code, out, _ = call("--json", *argv)
    assert code == 0
    assert json.loads(out) == expected


def test_csv_from_stdin_json() -> None:
    csv_text = f"{COMI_HEADER}\n2,3,7,2,3,4,2,1\n\n1,0,0,1,1,1,1,1\n"
    code, out, err = call("comi", "--csv", "-", "--json", stdin=csv_text)
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0] == {
        "instrument": "comi",
        "score": 4.65,
        "domains": {
            "pain": 7.0,
            "function": 2.5,
            "wellbeing": 5.0,
            "quality_of_life": 7.5,
            "disability": 1.25,
        },
    }
    assert rows[1]["score"] == 0.0
    assert len(rows) == 2


def test_csv_file_table(tmp_path: Path) -> None:
    path = tmp_path / "pain.csv"
    path.write_text("pain\n3\n10\n", encoding="utf-8")
    code, out, _ = call("nrs", "--csv", str(path))
    assert code == 0
    assert out.splitlines() == ["row  pain", "  1     3", "  2    10"]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["nrs", "pain=11"], "", "item 'pain' has value 11; allowed values: 0-10"),
        (["nrs"], "", "item 'pain' is missing; allowed values: 0-10"),
        (["nrs", "pain=3", "leg=2"], "", "unknown item 'leg'; known items: pain"),
        (["nrs", "pain=x"], "", "item 'pain' has value 'x'; allowed values: 0-10"),
        (["nrs", "pain=3", "pain=4"], "", "item 'pain' is given twice"),
        (["nrs", "pain"], "", "expected ITEM=VALUE"),
        (["nrs", "--csv", "-"], "pain\n3\n12\n", "row 2 (line 3): nrs: item 'pain' has value 12"),
        (["nrs", "--csv", "-", "--json"], "pain\n3\n\n\nx\n",
         "row 2 (line 5): nrs: item 'pain' has value 'x'"),
        (["comi", "--csv", "-"], f"{COMI_HEADER}\n2,3,7,2,3,4,2,1\n2,3,7,2,3,4,2,\n",
         "row 2 (line 3): comi: item 'work_disability' is missing; allowed values: 1-5"),
        (["nrs", "--csv", "-"], "pain\n3,4\n", "row 1 (line 2): more values than header columns"),
        (["nrs", "--csv", "-"], "", "no header row"),
        (["nrs", "--csv", "-"], "pain,pain\n3,4\n", "column 'pain' appears twice"),
        (["nrs", "--csv", "/nonexistent/forms.csv"], "", "No such file"),
    ],
)  # fmt: skip
def test_errors_exit_2_with_nothing_on_stdout(argv: list[str], stdin: str, message: str) -> None:
    code, out, err = call(*argv, stdin=stdin)
    assert code == 2
    assert out == ""
    assert message in err


def test_usage_errors_go_to_given_stderr() -> None:
    code, out, err = call("bogus")
    assert (code, out) == (2, "")
    assert "invalid choice" in err
    code, out, err = call("nrs", "pain=3", "--csv", "-")
    assert (code, out) == (2, "")
    assert "not both" in err


def test_help_goes_to_given_stdout() -> None:
    code, out, _ = call("--help")
    assert code == 0
    assert "backpath score" in out
