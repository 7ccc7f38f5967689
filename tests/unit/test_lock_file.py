"""requirements.lock pins every runtime dependency of pyproject.toml within its range
(regenerate it with the command in its header when the dependencies change)."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.config import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.MULTILINE)


def test_every_dependency_is_pinned_within_its_range() -> None:
    lock = (PROJECT_ROOT / "requirements.lock").read_text()
    pins = {canonicalize_name(name): version for name, version in PIN.findall(lock)}
    assert "--hash=sha256:" in lock
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} vs {line}"
