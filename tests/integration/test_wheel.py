"""The wheel is complete: installed (not editable) into a fresh venv outside the checkout,
`backpath chat` finds its flows and catalogs, migrates its database and talks."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from bot.config import PROJECT_ROOT


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        args, capture_output=True, text=True, timeout=300, check=False, **kwargs
    )


def test_installed_wheel_runs_outside_the_checkout(tmp_path: Path) -> None:
    built = _run(
        sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps", "-q",
        "-w", str(tmp_path / "dist"),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("backpath-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "bot/content/flows/redflags.yaml",
        "bot/content/flows/instruments/startback.yaml",  # descriptors, beside the flows
        "bot/content/messages/nl/LC_MESSAGES/messages.po",
        "bot/content/messages/fr/LC_MESSAGES/messages.po",
        "bot/advice/library.yaml",
        "bot/pathway/config.yaml",
        "bot/store/migrations/env.py",
        "bot/store/migrations/script.py.mako",
        "bot/store/migrations/versions/0001_initial_schema.py",
    ):
        assert needed in names, needed

    # A fresh venv; its dependencies come from ours (a .pth line), the package from the wheel.
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    purelib = _run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    site = Path(purelib.stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    installed = _run(
        sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
        str(wheel),
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BACKPATH_", "DATABASE_", "TELEGRAM_", "PYTHON"))
    }
    where = _run(str(python), "-c", "import bot; print(bot.__file__)", cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout
    chat = _run(
        str(target / "bin" / "backpath"), "chat", "--lang", "fr",
        input="1\n", cwd=work, env=env,
    )  # fmt: skip
    assert chat.returncode == 0, chat.stderr
    assert "Bonjour ! Je suis BackPath" in chat.stdout
    assert (work / "data" / "backpath.db").is_file()  # the default database, migrated
