"""Instrument descriptors (flows/instruments/): loaded, resolved and checked against the
flows, the scorers and the catalogs; a disagreement fails loudly and names the file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.engine import Engine
from bot.engine.flows import FlowError, load_flows
from bot.i18n import Catalogs
from bot.instruments import comi, orebro, startback
from bot.instruments.descriptor import DescriptorError
from bot.instruments.registry import load_content


def test_the_packaged_instruments_in_their_order_and_roles(engine: Engine) -> None:
    instruments = engine.instruments
    assert instruments.ids() == ("startback", "orebro", "comi", "nrs")
    assert [
        (r, getattr(instruments.with_role(r), "id", None)) for r in ("risk", "follow_up", "pain")
    ] == [
        ("risk", "startback"),
        ("follow_up", "comi"),
        ("pain", "nrs"),
    ]
    assert [i.id for i in instruments.startable()] == ["startback", "orebro", "comi"]
    assert [i.id for i in instruments.charted()] == ["nrs", "comi"]
    assert [i.id for i in instruments.risk_screens()] == ["startback", "orebro"]
    assert instruments["startback"].score is startback.score
    assert instruments["orebro"].driver is orebro.driver
    assert instruments["comi"].change is comi.comi_change
    assert instruments["nrs"].driver is None


def test_items_come_from_the_flow_and_agree_with_the_scorer(engine: Engine) -> None:
    for instrument in engine.instruments:
        assert dict(instrument.items) == dict(
            __import__(f"bot.instruments.{instrument.id}", fromlist=["ITEMS"]).ITEMS
        )
        assert instrument.provenance == engine.flows[instrument.flow].provenance


def test_load_flows_ignores_the_descriptor_folder(catalogs: Catalogs) -> None:
    flows = load_flows(PROJECT_ROOT / "flows", catalogs.has)
    assert (PROJECT_ROOT / "flows" / "instruments" / "nrs.yaml").is_file()
    assert "instruments" not in flows and all(
        (PROJECT_ROOT / "flows" / f"{flow_id}.yaml").is_file() for flow_id in flows
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    flows = tmp_path / "flows"
    shutil.copytree(PROJECT_ROOT / "flows", flows)
    return flows


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        # the flow offers a value the scorer does not accept
        (
            "startback.yaml",
            "{value: 1, label: startback.agree}",
            "{value: 2, label: startback.agree}",
            "disagree on items",
        ),
        (
            "instruments/startback.yaml",
            "scorer: bot.instruments.startback:score",
            "scorer: bot.instruments.startback:nothing",
            "has no attribute 'nothing'",
        ),
        ("instruments/orebro.yaml", "order: 2", "order: 2\nroles: [risk]", "claimed by"),
        ("instruments/comi.yaml", "flow: comi", "flow: nrs", "no questionnaire of it"),
        ("instruments/nrs.yaml", "recall: true", "recall: false", "does not name its recall"),
        (
            "instruments/startback.yaml",
            "leg_pain: 91340-0",
            "leg: 91340-0",
            "unknown items ['leg']",
        ),
        (
            "instruments/startback.yaml",
            "subscales: [psychosocial]",
            "subscales: [distress]",
            "descriptor names ['distress']",
        ),
        (
            "instruments/orebro.yaml",
            "{id: elevated, risk: high}",
            "{id: raised, risk: high}",
            "category 'elevated'",
        ),
        ("instruments/comi.yaml", "startable: true", "startable: true\nsurprise: 1", "surprise"),
    ],
)
def test_a_disagreement_names_the_file(
    content: Path, catalogs: Catalogs, file: str, old: str, new: str, expected: str
) -> None:
    edit(content / file, old, new)
    with pytest.raises(DescriptorError, match=re.escape(expected)) as error:
        load_content(content, catalogs.has)
    assert "instruments" in str(error.value) or "flows" in str(error.value)


def test_a_questionnaire_without_a_descriptor_is_refused(content: Path, catalogs: Catalogs) -> None:
    (content / "instruments" / "orebro.yaml").unlink()
    with pytest.raises(FlowError, match=r"orebro\.yaml: instrument 'orebro'"):
        load_content(content, catalogs.has)
