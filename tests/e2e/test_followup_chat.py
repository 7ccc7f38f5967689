"""`backpath chat`: /progress saves the chart and shows its path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

PNG = b"\x89PNG\r\n\x1a\n"


def test_progress_chart_is_saved_as_a_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    env["BACKPATH_DATA_DIR"] = str(tmp_path)
    # consent, no red flags, episode (today, back, not recurrent), NRS 7, no COMI now
    lines = ["1", *["2"] * 9, "1", "2", "2", "7", "/cancel", "/pain", "3", "/progress"]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--lang", "fr", "--db", str(tmp_path / "c.db")],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Votre douleur est passée de 7 à 3 depuis le" in result.stdout
    saved = [ln for ln in result.stdout.splitlines() if ln.startswith("Graphique enregistré : ")]
    assert len(saved) == 1
    path = Path(saved[0].split(" : ", 1)[1])
    assert path.parent == tmp_path.resolve() / "charts"
    assert path.read_bytes().startswith(PNG)
