"""Every message id built at run time, listed from the values that build it.

Most msgids are literals (`Text("cancel.done")`) or named in flow files; both are checked
elsewhere. The ones below are put together from a value (`f"progress.{direction}"`), so no
scan of the code can see them. Each entry names the place that builds the ids and lists
every id it can build, from the same constant or type the code uses; a test and the
start-up check (`missing_msgids`) require each of them in both catalogs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, get_args

from bot.advice.selection import AdviceItem
from bot.engine.flows import Flow

if TYPE_CHECKING:
    from bot.instruments.registry import Instruments

#: (where the ids are built, the ids)
DynamicIds = tuple[str, frozenset[str]]


def _ids(pattern: str, values: Iterable[object]) -> frozenset[str]:
    return frozenset(pattern.format(v) for v in values)


def _flat(literal: object) -> list[str]:
    """The values of a Literal type, nested Literals included."""
    return [v for arg in get_args(literal) for v in (_flat(arg) if get_args(arg) else [arg])]


def dynamic_msgids(
    flows: Mapping[str, Flow],
    advice: Sequence[AdviceItem],
    instruments: Instruments,
    commands: Iterable[str],
) -> list[DynamicIds]:
    """The families of built msgids for these flows, advice items, instruments and commands.

    `instruments`: the registry; only those asked by one of `flows` count.
    """
    from bot.clinic.invitations import EXPIRY_CHOICES
    from bot.clinic.mydata_readable import EPISODE_KINDS, LEVELS, PAIN_TYPES, STATUSES
    from bot.clinic.portal_auth import LinkProblem
    from bot.clinic.report_texts import FIELDS, RECURRENCE, TEMPLATES
    from bot.clinic.roster import SORT_ORDERS, InvitationStatus, Trend
    from bot.engine.features.followup.reminders import SNOOZES
    from bot.engine.features.followup.upcoming import label
    from bot.engine.features.questionnaires import startable
    from bot.engine.model import InviteProblem
    from bot.pathway.config import MOMENT_KINDS, PainType
    from bot.pathway.phase import Phase
    from bot.pathway.progress import Direction
    from bot.pathway.schedule import MomentKind
    from bot.reports.history import HISTORY_FLOW, SIGNALS
    from bot.triage.rules import CLUSTERS

    asked = {f.instrument for f in flows.values() if f.instrument}
    used = [i for i in instruments if i.id in asked]
    categories = {i.id: i.category_ids for i in used}
    results = frozenset(
        key
        for i in used
        for key in ([f"result.{i.id}.{c}" for c in i.category_ids] or [f"result.{i.id}"])
    )
    changes = frozenset(key for i in used for key in i.result_msgids()) - results
    return [
        (
            "engine/features/clinic.py: invitation problems",
            _ids("clinic.invite_{}", get_args(InviteProblem)),
        ),
        ("engine/features/triage.py: cluster names", _ids("escalation.cluster.{}", CLUSTERS)),
        ("engine/features/questionnaires.py: results", results),
        ("engine/features/questionnaires.py: change since the baseline", changes),
        (
            "engine/features/questionnaires.py: menu",
            _ids("menu.{}", startable(flows, instruments)),
        ),
        ("engine/features/followup/progress.py: trend", _ids("progress.{}", get_args(Direction))),
        (
            "engine/features/followup/reminders.py: snooze",
            _ids("reminder.snooze_{}", SNOOZES.values()),
        ),
        (
            "engine/features/followup/upcoming.py: moment names",
            frozenset(label(kind) for kind in MOMENT_KINDS),
        ),
        (
            "clinic/mydata_readable.py: languages, pain types, red-flag levels, states",
            _ids("language.{}", ("nl", "fr"))
            | _ids("mydata.readable.pain_{}", PAIN_TYPES)
            | _ids("mydata.readable.level_{}", LEVELS)
            | _ids("mydata.readable.{}", (*STATUSES, *EPISODE_KINDS)),
        ),
        ("telegram/app.py: command descriptions", _ids("command.{}", commands)),
        (
            "charts.py: phases and series",
            _ids("phase.{}", get_args(Phase))
            | frozenset(
                key
                for i in instruments.charted()
                if i.id in asked and i.descriptor.chart is not None
                for key in (
                    [f"chart.{i.id}", f"chart.{i.id}_now"]
                    if i.descriptor.chart.now_color
                    else [f"chart.{i.id}"]
                )
                + ([f"chart.{i.id}_note"] if i.descriptor.chart.explained else [])
            ),
        ),
        ("pathway_cli.py: headers", _ids("pathway.header.{}", get_args(PainType))),
        ("pathway_cli.py: moments", _ids("pathway.moment.{}", MOMENT_KINDS)),
        ("advice: titles", frozenset(item.title_msgid for item in advice)),
        ("advice: bodies", frozenset(item.body_msgid for item in advice)),
        ("clinic/report_texts.py: fields", _ids("report.{}", FIELDS)),
        ("clinic/report_texts.py: instruments", _ids("report.instrument.{}", categories)),
        (
            "clinic/report_texts.py: categories",
            frozenset(f"report.category.{i}.{c}" for i, cs in categories.items() for c in cs),
        ),
        (
            "clinic/report_texts.py: meanings",
            frozenset("report.meaning" + key.removeprefix("result") for key in results),
        ),
        ("clinic/report_texts.py: templates", _ids("report.{}", TEMPLATES)),
        ("clinic/report_texts.py: pain types", _ids("report.pain_type.{}", get_args(PainType))),
        ("clinic/report_texts.py: recurrence", _ids("report.recurrence.{}", RECURRENCE)),
        (
            "clinic/report.py: history signals",
            _ids("report.signal.{}", SIGNALS) | _ids("report.signal.{}.why", SIGNALS),
        ),
        (
            "clinic/report.py: history answer labels",
            _ids(
                "report.history.{}",
                (s.id for s in flows[HISTORY_FLOW].steps if s.answer.type != "info")
                if HISTORY_FLOW in flows
                else (),
            ),
        ),
        ("web/portal/auth.py: refused links", _ids("portal.link_{}", get_args(LinkProblem))),
        (
            "web/portal templates: statuses, trends, moments, validity, sorting",
            _ids("portal.status_{}", get_args(InvitationStatus))
            | _ids("portal.trend_{}", get_args(Trend))
            | _ids("portal.moment_{}", _flat(MomentKind))
            | _ids("portal.expires_{}", EXPIRY_CHOICES)
            | _ids("portal.sort_{}", SORT_ORDERS),
        ),
    ]


def missing_msgids(families: Sequence[DynamicIds], has: Callable[[str], bool]) -> list[str]:
    """'where: msgid' for each built msgid that is not translated in every language."""
    return [f"{where}: {key}" for where, ids in families for key in sorted(ids) if not has(key)]
