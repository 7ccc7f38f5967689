"""Prometheus metrics (served on /metrics by `backpath serve`). Counts and durations only:
no label ever carries an id, a text or an answer.

Each process has its own numbers; with several workers, Prometheus scrapes every worker
(not the load balancer) and sums."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter(
    "backpath_updates_total",
    "Incoming events handled by the service, by channel and result",
    ["channel", "result"],  # result: handled | duplicate
)
UPDATE_SECONDS = Histogram(
    "backpath_update_seconds",
    "Time to handle one incoming event (one database transaction around the engine)",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
BOT_API_CALLS = Counter(
    "backpath_bot_api_calls_total",
    "Bot API calls by method and outcome",
    ["method", "outcome"],  # outcome: ok | rate_limited (429) | error
)
REPLIES_SENT = Counter(
    "backpath_replies_sent_total", "Messages, photos and documents delivered to Telegram"
)
RATE_LIMITED = Counter("backpath_rate_limited_total", "Bot API answers 429 (Too Many Requests)")
RETRIES = Counter(
    "backpath_send_retries_total",
    "Deliveries put back to be tried again later",
    ["kind"],  # outbox (a message after a 429 or network error) | reminder
)
REMINDERS = Counter(
    "backpath_reminders_total",
    "Reminder dispatch results by kind",
    ["result"],  # due | sent | nudged | expired | deferred | blocked | given_up | failed
)
OUTBOX_QUEUED = Counter(
    "backpath_outbox_queued_total",
    "Messages queued in the outbox with the event that said them, by channel",
    ["channel"],
)
OUTBOX_DELIVERED = Counter(
    "backpath_outbox_delivered_total",
    "Outbox messages the channel accepted (Telegram's 200) and the sender confirmed",
    ["channel"],
)
OUTBOX_BACKLOG = Gauge(
    "backpath_outbox_backlog",
    "Outbox messages not delivered yet (all channels), as of the last drain of this process",
)
RED_FLAGS = Counter(
    "backpath_red_flags_raised_total", "Red flags raised (committed), by level", ["level"]
)
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


def bot_api_call(method: str, status: int) -> None:
    """Count one Bot API answer (the method name only: the URL carries the token)."""
    outcome = "ok" if 200 <= status < 300 else "rate_limited" if status == 429 else "error"
    BOT_API_CALLS.labels(method, outcome).inc()
    if outcome == "ok" and method in SEND_METHODS:
        REPLIES_SENT.inc()
    elif outcome == "rate_limited":
        RATE_LIMITED.inc()


def red_flags_raised(levels: Iterable[str]) -> None:
    for level in levels:
        RED_FLAGS.labels(level).inc()


INBOX = Counter(
    "backpath_inbox_updates_total",
    "Updates through the inbox (bot/delivery/inbox.py), by step",
    ["step"],  # stored | duplicate | claimed | processed | retried | given_up | pruned
)
INBOX_LEASE_EXPIRIES = Counter(
    "backpath_inbox_lease_expiries_total",
    "Updates claimed again after the lease of a worker that died or hung ran out",
)
INBOX_BACKLOG = Gauge(
    "backpath_inbox_backlog",
    "Updates stored and not processed yet, by all workers (read when /metrics is scraped)",
)
SEND_WAIT_SECONDS = Histogram(
    "backpath_send_wait_seconds",
    "Time a Bot API send waited for the bot-wide send rate (bot/delivery/shared_limit.py)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
