from datetime import time
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.pathway.config import DEFAULT_PATH, load_config


def raw() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "pathway.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_defaults_follow_the_kce_table() -> None:
    config = load_config()
    assert config.timezone == "Europe/Brussels"
    assert config.tz.key == "Europe/Brussels"
    assert (config.quiet_hours.start, config.quiet_hours.end) == (time(21), time(9))
    assert config.preferred_time == time(10)
    assert config.risk_questionnaire.after_onset_days.of("back") == 14
    assert config.risk_questionnaire.after_onset_days.of("radicular") == 7
    assert config.checkins.of("back").every_days == 21
    assert config.checkins.of("radicular").every_days == 10
    assert config.comi.weeks_after_first_contact == (0, 6, 12)
    assert config.reminders.max_nudges == 1


def test_config_is_package_data() -> None:
    assert files("bot.pathway").joinpath("config.yaml").is_file()


def test_load_from_a_path(tmp_path: Path) -> None:
    data = raw()
    data["checkins"]["back"]["every_days"] = 28
    assert load_config(write(tmp_path, data)).checkins.back.every_days == 28


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(preferred_time="22:00"),  # inside quiet hours
        lambda d: d["phases"].update(subacute_from_day=5),  # not increasing
        lambda d: d.update(timezone="Europe/Atlantis"),
        lambda d: d.update(unknown_key=1),
        lambda d: d["quiet_hours"].update(end="21:00"),  # empty window
        lambda d: d["reminders"].update(nudge_after_hours=48),  # nudge after expiry
        lambda d: d["reminders"].update(max_nudges=2),
        lambda d: d["comi"].update(weeks_after_first_contact=[6, 0]),
    ],
)
def test_invalid_config_is_rejected(tmp_path: Path, change: Any) -> None:
    data = raw()
    change(data)
    with pytest.raises(ValidationError):
        load_config(write(tmp_path, data))


def test_config_is_frozen() -> None:
    config = load_config()
    with pytest.raises(ValidationError):
        config.preferred_time = time(8)  # type: ignore[misc]
