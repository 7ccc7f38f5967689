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
    ("stdin", "message", "good"),
    [
        ("pain\n3\n12\n", "row 2 (line 3): nrs: item 'pain' has value 12; allowed values: 0-10",
         [{"pain": 3}]),
        ("pain\n3\n\n\nx\n5\n", "row 2 (line 5): nrs: item 'pain' has value 'x'; allowed",
         [{"pain": 3}, {"pain": 5}]),
        ("pain\n3,4\n2\n", "row 1 (line 2): more values than header columns", [{"pain": 2}]),
    ],
)  # fmt: skip
def test_a_bad_row_is_reported_and_the_others_are_scored(
    stdin: str, message: str, good: list[dict[str, int]]
) -> None:
    code, out, err = call("nrs", "--csv", "-", "--json", stdin=stdin)
    assert code == 1
    assert message in err
    assert "1 of" in err and "forms not scored" in err
    assert [{"pain": row["pain"]} for row in map(json.loads, out.splitlines())] == good


def test_belgian_spreadsheet_semicolons_id_column_and_a_bad_row(tmp_path: Path) -> None:
    """Excel in a Belgian locale saves `;`-separated CSV with a BOM; the ID is kept."""
    path = tmp_path / "formulieren.csv"
    header = COMI_HEADER.replace(",", ";")
    path.write_text(
        f"Dossier;{header}\nA-17;2;3;7;2;3;4;2;1\nB-04;2;3;7;2;3;4;2;\nC-99;1;0;0;1;1;1;1;1\n",
        encoding="utf-8-sig",
    )
    code, out, err = call("comi", "--csv", str(path), "--id", "dossier")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["row", "id", "score"]
    rows = [line.split()[:3] for line in lines[1:]]
    assert rows == [["1", "A-17", "4.65"], ["3", "C-99", "0.00"]]
    assert (
        "row 2 (line 3, id B-04): comi: item 'work_disability' is missing; allowed values: 1-5"
        in err
    )
    code, out, _ = call("comi", "--csv", str(path), "--id", "dossier", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["A-17", "C-99"]


def test_comma_file_with_a_default_id_column() -> None:
    code, out, err = call("nrs", "--csv", "-", "--json", stdin="ID,pain\nx1,4\n")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"id": "x1", "instrument": "nrs", "pain": 4}


def test_one_form_on_the_command_line_still_exits_2_on_errors() -> None:
    code, out, err = call("nrs", "pain=12")
    assert (code, out) == (2, "")
    assert "allowed values: 0-10" in err


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["nrs", "pain=11"], "", "item 'pain' has value 11; allowed values: 0-10"),
        (["nrs"], "", "item 'pain' is missing; allowed values: 0-10"),
        (["nrs", "pain=3", "leg=2"], "", "unknown item 'leg'; known items: pain"),
        (["nrs", "pain=x"], "", "item 'pain' has value 'x'; allowed values: 0-10"),
        (["nrs", "pain=3", "pain=4"], "", "item 'pain' is given twice"),
        (["nrs", "pain"], "", "expected ITEM=VALUE"),
        (["nrs", "--csv", "-"], "", "no header row"),
        (["nrs", "--csv", "-"], "pain,pain\n3,4\n", "column 'pain' appears twice"),
        (["nrs", "--csv", "-"], "pain;naam\n3;An\n", "unknown column 'naam'; known items: pain"),
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
    assert "value coding" in out
    assert "0 = disagree, 1 = agree" in out
    assert "semicolon" in out
