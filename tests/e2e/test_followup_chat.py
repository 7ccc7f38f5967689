"""`backpath chat`: /progress saves the chart and shows its path."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_chat_cli import chat

PNG = b"\x89PNG\r\n\x1a\n"


def test_progress_chart_is_saved_as_a_file(tmp_path: Path) -> None:
    # consent, no red flags, episode (today, back, not recurrent), NRS 7 (past week),
    # no COMI now, then two ratings of the moment with /pain
    lines = ["1", *["2"] * 12, "1", "2", "2", "7", "/cancel", "/pain", "3", "/progress"]
    lines += ["/pain", "2", "/progress"]
    result = chat(tmp_path / "c.db", lines, "--lang", "fr", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    # a weekly 7 and a 3 of the moment are not a trend: like with like only
    assert "passée de 7 à 3" not in result.stdout
    assert "Encore trop peu de scores" in result.stdout
    assert "Votre douleur du moment (avec /pain) est passée de 3 à 2 depuis le" in result.stdout
    saved = [ln for ln in result.stdout.splitlines() if ln.startswith("Graphique enregistré : ")]
    assert len(saved) == 2
    path = Path(saved[-1].split(" : ", 1)[1])
    assert path.parent.parent == tmp_path.resolve() / "charts"  # the patient's own folder
    assert path.read_bytes().startswith(PNG)
