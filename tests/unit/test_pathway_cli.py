"""`backpath pathway`: the plan of an episode with the seed line of each moment."""

from __future__ import annotations

import pytest

from bot.cli import main


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["pathway", *args]) == 0
    return capsys.readouterr().out.splitlines()


def test_back_pain_plan_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    lines = plan(capsys, "--onset", "2026-03-02", "--type", "back")
    assert lines[0].startswith("Zorgpad bij lage rugpijn, begonnen op 2 maart 2026")
    subacute = next(line for line in lines if "week 6-11" in line)
    assert subacute.startswith("2026-04-20 10:00") and "001 l.676-678" in subacute
    risk = next(line for line in lines if "STarT Back" in line)
    assert risk.startswith("2026-03-16 10:00") and "001 l.643-653" in risk
    assert any(line.startswith("2026-05-25 ") and "001 l.956" in line for line in lines)
    assert not any("MRI" in line for line in lines)  # radicular only


def test_recurrent_radicular_plan_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    lines = plan(
        capsys,
        *("--onset", "2026-03-02", "--type", "radicular", "--recurrent", "--lang", "fr"),
        *("--first-contact", "2026-03-05T14:00"),
    )
    assert lines[0].startswith("Trajet de soins pour une douleur qui descend dans la jambe")
    assert lines[2].startswith("2026-03-05 14:00") and "STarT Back" in lines[2]  # at once
    severe = next(line for line in lines if "IRM" in line)
    assert severe.startswith("2026-03-13 10:00") and "003 l.544-546" in severe


def test_first_contact_before_onset_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pathway", "--onset", "2026-03-02", "--type", "back", "--first-contact", "2026-03-01"]
    assert main(args) == 2
    assert "before --onset" in capsys.readouterr().err
