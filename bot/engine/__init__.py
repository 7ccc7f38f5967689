"""The pure conversation engine: no Telegram, no database, no clock of its own."""

from bot.engine.flows import Flow, FlowError, load_flows
from bot.engine.model import Event, Reply, State, StepResult
from bot.engine.runner import Engine

__all__ = ["Engine", "Event", "Flow", "FlowError", "Reply", "State", "StepResult", "load_flows"]
