"""`backpath chat`: /progress saves the chart and shows its path."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_chat_cli import chat

PNG = b"\x89PNG\r\n\x1a\n"


def test_progress_chart_is_saved_as_a_file(tmp_path: Path) -> None:
    # consent, no red flags, episode (today, back, not recurrent), NRS 7, no COMI now
    lines = ["1", *["2"] * 9, "1", "2", "2", "7", "/cancel", "/pain", "3", "/progress"]
    result = chat(tmp_path / "c.db", lines, "--lang", "fr", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Votre douleur est passée de 7 à 3 depuis le" in result.stdout
    saved = [ln for ln in result.stdout.splitlines() if ln.startswith("Graphique enregistré : ")]
    assert len(saved) == 1
    path = Path(saved[0].split(" : ", 1)[1])
    assert path.parent.parent == tmp_path.resolve() / "charts"  # the patient's own folder
    assert path.read_bytes().startswith(PNG)
