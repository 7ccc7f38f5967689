"""`backpath chat` driven through piped stdin, as a person at a terminal would use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

NO_RED_FLAGS = ["2"] * 12  # "Nee"/"Non" to each red-flag screen question
EPISODE = ["1", "2", "2"]  # started today, back pain, not recurrent


def chat(
    db: Path,
    lines: list[str],
    *args: str,
    data_dir: Path | None = None,
    content: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `backpath chat` with these input lines, as a user at a terminal would
    (`content`: another content directory, BACKPATH_CONTENT_DIR)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    if data_dir is not None:
        env["BACKPATH_DATA_DIR"] = str(data_dir)
    if content is not None:
        env["BACKPATH_CONTENT_DIR"] = str(content)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--db", str(db), *args],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_dutch_conversation_with_numbers_text_and_bad_input(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    result = chat(db, ["1", "ja, ik ga akkoord", *NO_RED_FLAGS, *EPISODE, "acht", "8"])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  1) Nederlands\n  2) Français" in out
    assert "Gaat u hiermee akkoord?\n  1) Ja, ik ga akkoord\n  2) Nee, liever niet" in out
    assert "Vraag 1/1" in out and "[0 1 2 3 4 5 6 7 8 9 10]" in out
    assert "Kies een getal van 0 tot 10." in out
    assert out.rstrip().endswith(">")
    assert "Bedankt. U gaf uw pijn een 8 op 10." in out
    assert "Welke van de volgende problemen hindert u het meest?" in out
    assert "Traceback" not in result.stderr


def test_french_with_lang_flag_and_resume_on_second_run(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    first = chat(db, ["1", *NO_RED_FLAGS, *EPISODE, "/pause"], "--lang", "fr")
    assert first.returncode == 0, first.stderr
    assert "Bonjour ! Je suis BackPath" in first.stdout
    assert "Question 1/1" in first.stdout and "En pause." in first.stdout
    second = chat(db, ["/resume", "2"], "--lang", "fr")
    assert second.returncode == 0, second.stderr
    assert "Bon retour !" in second.stdout
    assert "Vous avez donné à votre douleur la note de 2 sur 10." in second.stdout
    assert "Bonjour ! Je suis BackPath" not in second.stdout


def test_language_command_in_the_terminal(tmp_path: Path) -> None:
    result = chat(
        tmp_path / "chat.db", ["1", "1", *NO_RED_FLAGS, *EPISODE, "/language", "Français", "5"]
    )
    assert result.returncode == 0, result.stderr
    assert "Dans quelle langue voulez-vous continuer ?" in result.stdout
    assert "Question 1/1" in result.stdout
    assert "Vous avez donné à votre douleur la note de 5 sur 10." in result.stdout


def test_an_invitation_link_typed_in_the_terminal(tmp_path: Path) -> None:
    """An operator creates a clinic and an invitation; the patient types /start i_<token>."""
    db = tmp_path / "chat.db"
    env = {
        **{k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"},
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "TELEGRAM_BOT_USERNAME": "backpath_test_bot",
    }

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            env=env,
            timeout=120,
            check=True,
        )
        return done.stdout.strip()

    clinic_id = cli("clinic", "add", "Praktijk De Brug", "--language", "nl")
    link = cli("invite", "--clinic", clinic_id, "--instruments", "nrs")
    payload = link.split("?start=", 1)[1]
    result = chat(db, [f"/start {payload}", "1", "1"])
    assert result.returncode == 0, result.stderr
    assert "U kreeg deze link van Praktijk De Brug." in result.stdout
    assert "Mag ik uw antwoorden en scores doorsturen naar deze praktijk?" in result.stdout
