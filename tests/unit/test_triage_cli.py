"""`backpath triage`: one result per message, plain or JSON, from an argument or stdin."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main


def test_one_message_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "--lang", "nl", "geen koorts, maar ik kan niet meer plassen"]) == 0
    out = capsys.readouterr().out
    assert out == "neuro | words: plassen, kan | negated: koorts\n"


def test_stdin_one_json_line_per_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "je suis tombée enceinte\nj'ai de la fièvre et je ne sens plus mes fesses\n\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["triage", "--lang", "fr", "--json", "-"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["clusters"] for r in results] == [[], ["neuro", "infection"], []]
    second = results[1]
    assert second["lang"] == "fr" and "fievre" in second["matched"]
    assert {f["cluster"] for f in second["findings"]} == {"neuro", "infection"}
    assert set(results[0]) >= {"clusters", "matched", "findings", "negated", "skipped"}


def test_other_people_and_negations_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    main(["triage", "--lang", "nl", "--json", "mijn moeder had kanker; ik heb geen koorts"])
    result = json.loads(capsys.readouterr().out)
    assert result["clusters"] == []
    assert result["skipped"] == ["mijn moeder had kanker"]
    assert result["negated"] == ["koorts"]


def test_language_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["triage", "koorts"])
