"""SQLite for the async engine: statements on the event loop, commits on aiosqlite's thread.

aiosqlite runs every call on its own thread; each call is a hop there and back (a queue
put, a wake-up, the GIL handed over twice). SQLAlchemy's adapter makes four of them per
statement (open a cursor, execute, fetch, close) and one for the rollback with which the
pool resets every connection it gets back. Profiling the conversations benchmark showed
these hops as the largest single cost of an update: about 67 an update, each costing
more than the statement it carries (README, Benchmarks).

Here a statement runs where it is called, on the event loop: on this workload a SQLite
statement takes microseconds (indexed lookups, small writes; bench/growth.py checks that
none scans a growing table), less than a hop. A commit is what can take long (the fsync
of synchronous=FULL, a WAL checkpoint), so it still goes to aiosqlite's thread and the
loop serves other patients meanwhile. A commit or a rollback when SQLite holds no
transaction (a read-only session, the pool's reset after a commit) is skipped: there is
nothing for it to end; after a failed statement the state is taken as unknown, so the
next rollback runs. Results, errors and transactions are those of the stock adapter.

What runs on the loop can wait there: a statement that needs the write lock while another
process holds it waits in SQLite's busy handler (busy_timeout). On SQLite one process
serves (bot/store/lock.py) and its writers queue on Database's asyncio lock first, so
only another process's write (a CLI command) can make the loop wait, as it made every
update wait on the writer lock before.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

# connect() arguments: the connection is opened on aiosqlite's thread and used on the loop's
CONNECT_ARGS = {"check_same_thread": False}


class InlineCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement runs at once on the caller's thread, rows included."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: InlineConnection) -> None:
        # no aiosqlite cursor is opened (that would be a hop of its own)
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = deque()
        self._description: Any = None
        self._rowcount: int = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1  # sqlite3's default: fetchmany() without a size takes one row

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        raise NotImplementedError("the rows are all read when the statement runs")

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        adapted: InlineConnection = self._adapt_connection  # type: ignore[assignment]
        try:
            # awaited, though it never suspends: SQLAlchemy's async Core checks that its
            # driver awaited (AsyncConnection.execute), and this is how it can tell
            await_(self._statement(operation, parameters, many))
        except Exception as error:
            adapted.in_transaction = True  # unknown after a failure: roll back to be sure
            adapted._handle_exception(error)

    async def _statement(self, operation: Any, parameters: Any, many: bool) -> None:
        raw: sqlite3.Connection = self._connection._conn
        cursor = raw.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            self._rows = deque(cursor.fetchall() if cursor.description else ())
            self._description = cursor.description
            self._rowcount, self._lastrowid = cursor.rowcount, cursor.lastrowid
            adapted: InlineConnection = self._adapt_connection  # type: ignore[assignment]
            adapted.in_transaction = raw.in_transaction
        finally:
            cursor.close()

    async def _async_soft_close(self) -> None:
        """Nothing to close: the statement's cursor closed when it ran."""

    def close(self) -> None:
        self._rows.clear()


class InlineConnection(AsyncAdapt_aiosqlite_connection):
    """Commits on aiosqlite's thread; skips commit and rollback without a transaction."""

    __slots__ = ("in_transaction",)
    _cursor_cls = InlineCursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # unknown until the first statement says

    def commit(self) -> None:
        if self.in_transaction:
            super().commit()
            self.in_transaction = False

    def rollback(self) -> None:
        if self.in_transaction:
            super().rollback()
            self.in_transaction = False


class InlineDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for create_async_engine(module=...): aiosqlite's, with the
    connections above."""

    def connect(self, *arg: Any, **kw: Any) -> InlineConnection:
        stock = super().connect(*arg, **kw)
        return InlineConnection(self, stock._connection)


def inline_dbapi() -> InlineDBAPI:
    return InlineDBAPI(aiosqlite, sqlite3)
