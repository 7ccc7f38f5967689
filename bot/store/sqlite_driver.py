"""SQLite through aiosqlite with one thread hop per statement, and none for a no-op.

aiosqlite runs every call on its own thread; each call is a hop there and back (a queue
put, a wake-up, the GIL handed over twice). SQLAlchemy's adapter makes four of them per
statement (open a cursor, execute, fetch, close) and one for the rollback with which the
pool resets every connection it gets back, committed or not. Profiling the conversations
benchmark showed these hops as the largest single cost of an update (bench/README in the
README's Benchmarks section, notes in /work/notes/perf.md).

Here a statement is one hop: open, execute, fetch and close run together on aiosqlite's
thread, which also reports whether SQLite holds a transaction afterwards. A commit or a
rollback when SQLite holds none (a read-only session, the pool's reset after a commit) is
skipped: there is nothing for it to end. After a failed statement the state is taken as
unknown, so the next rollback always runs. Results, errors and transactions are those of
the stock adapter; only the number of hops changes.
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

# (description, rowcount, lastrowid, rows, SQLite holds a transaction afterwards)
Outcome = tuple[Any, int, int | None, list[Any], bool]


def _statement(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """Run on aiosqlite's thread: the whole statement, rows included."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        in_transaction = connection.in_transaction
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows, in_transaction
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose statement runs in one hop; its rows are read before it returns."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: OneHopConnection) -> None:
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

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        return self._run(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        return self._run(operation, seq_of_parameters, many=True)

    def _run(self, operation: Any, parameters: Any, many: bool) -> None:
        connection: OneHopConnection = self._adapt_connection  # type: ignore[assignment]
        try:
            outcome = await_(self._hop(operation, parameters, many))
        except Exception as error:
            connection.in_transaction = True  # unknown after a failure: roll back to be sure
            connection._handle_exception(error)
        self._description, self._rowcount, self._lastrowid, rows, in_transaction = outcome
        self._rows = deque(rows)
        connection.in_transaction = in_transaction

    async def _hop(self, operation: Any, parameters: Any, many: bool) -> Outcome:
        raw: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome: Outcome = await raw._execute(  # type: ignore[no-untyped-call]
                _statement, raw._conn, operation, parameters, many
            )
            return outcome

    async def _async_soft_close(self) -> None:
        """Nothing to close: the statement's cursor closed on aiosqlite's thread."""

    def close(self) -> None:
        self._rows.clear()


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """Skips commit and rollback when SQLite holds no transaction."""

    __slots__ = ("in_transaction",)
    _cursor_cls = OneHopCursor  # type: ignore[assignment]

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


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module for create_async_engine(module=...): aiosqlite's, with the
    connections above."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        stock = super().connect(*arg, **kw)
        return OneHopConnection(self, stock._connection)


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
