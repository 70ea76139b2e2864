"""SQLite persistence of the sandbox: schema, connections, transactions and every query.

The server is threaded, so connections come from a small pool (one per request while it
runs) and every write runs under one lock inside `BEGIN IMMEDIATE`, which makes
"validate, then write" atomic.  Times are stored as integer seconds since the epoch (UTC).
IDs are SQLite AUTOINCREMENT keys: monotonic, never reused, never derived from names.
"""

from __future__ import annotations

import contextlib
import copy
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import seed as seeding

# PortaAccount string members the sandbox stores verbatim; the column is named like the member.
ACCOUNT_TEXT_MEMBERS = (
    "Email", "BCC", "Phone1", "Phone2", "Contact1", "Contact2", "Address", "CompanyName",
    "Note", "Company", "Name", "FirstName", "MiddleInitials", "LastName", "Address1",
    "Address2", "Address3", "Address4", "Town", "Region", "City", "Postcode", "Country",
    "PhoneNo", "Salutation", "Fax", "State",
)

SCHEMA = f"""
CREATE TABLE resellers (
    i_reseller INTEGER PRIMARY KEY AUTOINCREMENT,
    license TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);
CREATE TABLE customers (
    i_customer INTEGER PRIMARY KEY AUTOINCREMENT,
    i_reseller INTEGER NOT NULL REFERENCES resellers,
    name TEXT NOT NULL,
    first_name TEXT, last_name TEXT, email TEXT, address1 TEXT, city TEXT, postcode TEXT,
    country TEXT, phone TEXT,
    currency TEXT NOT NULL,
    balance REAL NOT NULL DEFAULT 0,
    credit_limit REAL NOT NULL DEFAULT 0
);
CREATE INDEX customers_by_reseller ON customers (i_reseller);
CREATE TABLE products (
    i_product INTEGER PRIMARY KEY AUTOINCREMENT,
    i_reseller INTEGER NOT NULL REFERENCES resellers,
    name TEXT NOT NULL,
    description TEXT, end_user_name TEXT,
    currency TEXT NOT NULL,
    addon_priority INTEGER NOT NULL DEFAULT 0,   -- 0: main product, > 0: add-on (A9)
    maintenance_fee REAL NOT NULL DEFAULT 0,
    i_product_group INTEGER, product_group_name TEXT,
    i_subscription INTEGER, subscription_fee REAL NOT NULL DEFAULT 0
);
CREATE INDEX products_by_reseller ON products (i_reseller, currency);
CREATE TABLE accounts (
    i_account INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    i_customer INTEGER NOT NULL REFERENCES customers,
    i_product INTEGER NOT NULL REFERENCES products,
    bill_status TEXT NOT NULL DEFAULT 'O',       -- 'O' open, 'C' closed = terminated (A6)
    blocked INTEGER NOT NULL DEFAULT 0,
    billing_model TEXT NOT NULL DEFAULT 'CreditAccount',
    credit_limit REAL NOT NULL DEFAULT 0,
    balance REAL NOT NULL DEFAULT 0,
    voip_password TEXT, ui_login TEXT, ui_password TEXT,
    um_enabled INTEGER NOT NULL DEFAULT 0,
    follow_me_enabled TEXT NOT NULL DEFAULT 'F',
    service_flags TEXT,
    i_routing_plan INTEGER NOT NULL DEFAULT 0,
    i_batch INTEGER NOT NULL DEFAULT 0,
    batch_name_prefix TEXT,
    label TEXT,
    i_customer_site INTEGER NOT NULL DEFAULT 0,  -- 0: the account is on no site
    {", ".join(f'"{m}" TEXT' for m in ACCOUNT_TEXT_MEMBERS)},
    activation_date INTEGER NOT NULL,
    issue_date INTEGER NOT NULL,
    closed_at INTEGER
);
-- An account ID is unique among open accounts, closing one frees its ID (A6).
CREATE UNIQUE INDEX open_account_ids ON accounts (account_id) WHERE bill_status <> 'C';
CREATE INDEX accounts_by_customer ON accounts (i_customer, bill_status, i_account);
CREATE INDEX accounts_by_product ON accounts (i_product, bill_status);
CREATE TABLE account_addons (
    i_account_addon INTEGER PRIMARY KEY AUTOINCREMENT,
    i_account INTEGER NOT NULL REFERENCES accounts,
    i_product INTEGER NOT NULL REFERENCES products,
    effective_from INTEGER NOT NULL,
    effective_to INTEGER                          -- NULL while assigned (A10)
);
CREATE INDEX addons_by_account ON account_addons (i_account, effective_to);
CREATE TABLE extensions (
    i_c_ext INTEGER PRIMARY KEY AUTOINCREMENT,
    i_customer INTEGER NOT NULL REFERENCES customers,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    i_account INTEGER NOT NULL DEFAULT 0          -- 0: not bound to an account (A15)
);
CREATE UNIQUE INDEX extension_numbers ON extensions (i_customer, id);
CREATE INDEX extensions_by_account ON extensions (i_account);
CREATE TABLE customer_sites (
    i_customer_site INTEGER PRIMARY KEY AUTOINCREMENT,
    i_customer INTEGER NOT NULL REFERENCES customers,
    name TEXT NOT NULL
);
CREATE INDEX sites_by_customer ON customer_sites (i_customer);
CREATE TABLE destinations (
    i_dest INTEGER PRIMARY KEY,
    prefix TEXT NOT NULL, description TEXT NOT NULL, country TEXT NOT NULL, iso TEXT NOT NULL,
    rate REAL NOT NULL
);
CREATE TABLE active_calls (
    i_call INTEGER PRIMARY KEY AUTOINCREMENT,
    i_customer INTEGER NOT NULL, i_account INTEGER NOT NULL,
    outgoing INTEGER NOT NULL, remote TEXT NOT NULL, i_dest INTEGER NOT NULL,
    connect_time INTEGER NOT NULL, disconnect_time INTEGER NOT NULL,
    origin TEXT NOT NULL DEFAULT 'seed',          -- 'seed', 'traffic' or 'api' (live calls)
    cdr_id INTEGER                                -- a live call's CDR, once it has ended
);
CREATE INDEX active_calls_by_end ON active_calls (disconnect_time);
CREATE TABLE cdrs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    i_customer INTEGER NOT NULL, i_account INTEGER NOT NULL, account_id TEXT NOT NULL,
    connect_time INTEGER NOT NULL, duration INTEGER NOT NULL,
    outgoing INTEGER NOT NULL, remote TEXT NOT NULL, i_dest INTEGER NOT NULL,
    i_service INTEGER NOT NULL, charged_amount REAL NOT NULL, disconnect_cause INTEGER NOT NULL
);
"""

# Created after the bulk CDR insert: building an index once is much faster than keeping it
# up to date row by row.  Paging and per-customer/per-account reads walk these.
CDR_INDEXES = """
CREATE INDEX cdrs_by_customer ON cdrs (i_customer, connect_time, id);
CREATE INDEX cdrs_by_account ON cdrs (i_account, connect_time, id);
"""

_CHUNK = 500          # IDs per `IN (...)` query

TABLES = ("cdrs", "active_calls", "destinations", "customer_sites", "extensions", "account_addons", "accounts",
          "products", "customers", "resellers")

_ACCOUNT_SELECT = """
SELECT a.*, p.name AS product_name, c.currency AS currency, c.name AS customer_name,
       (SELECT e.id FROM extensions e WHERE e.i_account = a.i_account
         ORDER BY e.i_c_ext LIMIT 1) AS extension_number,
       (SELECT e.i_c_ext FROM extensions e WHERE e.i_account = a.i_account
         ORDER BY e.i_c_ext LIMIT 1) AS i_c_ext
FROM accounts a
JOIN customers c ON c.i_customer = a.i_customer
JOIN products p ON p.i_product = a.i_product
"""

_CDR_SELECT = """
SELECT r.*, r.connect_time + r.duration AS disconnect_time, d.description AS dest_name,
       d.country AS dest_country, d.iso AS dest_iso
FROM cdrs r JOIN destinations d ON d.i_dest = r.i_dest
"""


class Store:
    """The database file, its connection pool, the write lock and the seed it restores."""

    def __init__(self, path: str, options: seeding.SeedOptions):
        self.path = path
        self.options = options
        self.generation = 0            # bumped by reset(); caches keyed on it go stale
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self.write_lock = threading.RLock()

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextlib.contextmanager
    def session(self) -> Iterator[Db]:
        """A connection for the length of one request."""
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
        try:
            yield Db(self, conn)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._pool.put(conn)

    def add_cdr(self, i_account: int, remote: str, outgoing: bool, connect_time: int, duration: int,
                charged_amount: float, disconnect_cause: int) -> int:
        """One CDR of an existing account (the admin endpoint `POST /__sandbox/cdrs`); returns its id."""
        with self.write_lock, self.session() as db:
            account = db._one("SELECT i_customer, account_id FROM accounts WHERE i_account = ?", (i_account,))
            if account is None:
                raise ValueError(f"no account {i_account}")
            with db.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO cdrs (i_customer, i_account, account_id, connect_time, duration, outgoing, remote,"
                    " i_dest, i_service, charged_amount, disconnect_cause)"
                    " VALUES (?,?,?,?,?,?,?,(SELECT MIN(i_dest) FROM destinations),?,?,?)",
                    (account["i_customer"], i_account, account["account_id"], connect_time, duration, int(outgoing),
                     remote, seeding.VOICE_SERVICE, charged_amount, disconnect_cause))
            self.generation += 1          # cached CDR pages go stale
            return cursor.lastrowid

    def reset(self, now: int) -> None:
        """Drop everything and load the seed again, so IDs restart exactly as at start-up."""
        with self.write_lock, self.session() as db:
            conn = db.conn
            conn.execute("PRAGMA synchronous=OFF")   # the seed can always be rebuilt
            try:
                conn.execute("BEGIN IMMEDIATE")
                for table in TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                _execute_script(conn, SCHEMA)
                seeding.load(conn, self.options, now)
                _execute_script(conn, CDR_INDEXES)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                conn.execute("PRAGMA synchronous=NORMAL")
            self.generation += 1


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


class Db:
    """One connection plus the queries the services use."""

    def __init__(self, store: Store, conn: sqlite3.Connection):
        self.store = store
        self.conn = conn
        self.committed_writes = 0      # transactions of this session that changed rows

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; writers queue on the store's lock, readers never wait."""
        with self.store.write_lock:
            self.conn.execute("BEGIN IMMEDIATE")
            before = self.conn.total_changes
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            changed = self.conn.total_changes > before
            self.conn.execute("COMMIT")
            self.committed_writes += changed

    def _all(self, sql: str, params: Sequence[Any] | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    # -- scope ----------------------------------------------------------------------------

    def reseller_by_license(self, license_: str) -> sqlite3.Row | None:
        return self._one("SELECT * FROM resellers WHERE license = ?", (license_,))

    def customer(self, i_reseller: int, i_customer: int) -> sqlite3.Row | None:
        """The customer if it belongs to this reseller; another reseller's is "absent" (A2)."""
        return self._one("SELECT * FROM customers WHERE i_customer = ? AND i_reseller = ?",
                         (i_customer, i_reseller))

    def customers(self, i_reseller: int, search: str = "") -> list[sqlite3.Row]:
        """The reseller's customers by ID; `search` keeps those whose ID is it or whose name,
        contact name or e-mail contains it (case-insensitive, L2)."""
        where, params = ["i_reseller = ?"], [i_reseller]
        if search:
            where.append("(CAST(i_customer AS TEXT) = ? OR instr(lower(name), lower(?)) > 0"
                         " OR instr(lower(coalesce(first_name, '') || ' ' ||"
                         " coalesce(last_name, '')), lower(?)) > 0"
                         " OR instr(lower(coalesce(email, '')), lower(?)) > 0)")
            params += [search] * 4
        return self._all(f"SELECT * FROM customers WHERE {' AND '.join(where)}"
                         " ORDER BY i_customer", params)

    def customer_sites(self, i_customers: Iterable[int]) -> list[sqlite3.Row]:
        """The sites of these customers, with how many open accounts each holds."""
        ids = list(i_customers)
        if not ids:
            return []
        return self._all(
            "SELECT s.*, (SELECT COUNT(*) FROM accounts a WHERE a.i_customer_site ="
            " s.i_customer_site AND a.bill_status <> 'C') AS used FROM customer_sites s"
            f" WHERE s.i_customer IN ({_marks(ids)}) ORDER BY s.i_customer_site", ids)

    # -- products -------------------------------------------------------------------------

    def products(self, i_reseller: int, *, currency: str | None = None,
                 addons: bool | None = None, ids: Iterable[int] | None = None,
                 name_like: str | None = None) -> list[sqlite3.Row]:
        """The reseller's products; `addons` True/False keeps only add-ons/main products."""
        where, params = ["i_reseller = ?"], [i_reseller]
        if currency is not None:
            where.append("currency = ? COLLATE NOCASE")
            params.append(currency)
        if addons is not None:
            where.append("addon_priority > 0" if addons else "addon_priority = 0")
        if ids is not None:
            ids = list(ids)
            where.append(f"i_product IN ({_marks(ids)})")
            params.extend(ids)
        if name_like:
            where.append("instr(lower(name), lower(?)) > 0")
            params.append(name_like)
        return self._all(f"SELECT * FROM products WHERE {' AND '.join(where)} ORDER BY i_product",
                         params)

    def product(self, i_reseller: int, i_product: int) -> sqlite3.Row | None:
        rows = self.products(i_reseller, ids=[i_product])
        return rows[0] if rows else None

    # -- accounts (open ones only: a closed account has disappeared, A6) -------------------

    def accounts(self, i_reseller: int, *, i_customer: int | None = None,
                 i_account: int | None = None, account_id: str | None = None,
                 i_products: Iterable[int] | None = None, blocked: bool | None = None,
                 login: str | None = None, search: str | None = None,
                 limit: int | None = None, offset: int = 0) -> list[sqlite3.Row]:
        where, params = self._account_where(i_reseller, i_customer, i_account, account_id,
                                            i_products, blocked, login, search)
        sql = f"{_ACCOUNT_SELECT} WHERE {where} ORDER BY a.i_account"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self._all(sql, params)

    def count_accounts(self, i_reseller: int, **filters: Any) -> int:
        where, params = self._account_where(i_reseller, **filters)
        row = self._one("SELECT COUNT(*) FROM accounts a JOIN customers c "
                        f"ON c.i_customer = a.i_customer WHERE {where}", params)
        return row[0]

    @staticmethod
    def _account_where(i_reseller: int, i_customer: int | None = None,
                       i_account: int | None = None, account_id: str | None = None,
                       i_products: Iterable[int] | None = None, blocked: bool | None = None,
                       login: str | None = None, search: str | None = None,
                       ) -> tuple[str, list[Any]]:
        where, params = ["c.i_reseller = ?", "a.bill_status <> 'C'"], [i_reseller]
        for clause, value in (("a.i_customer = ?", i_customer), ("a.i_account = ?", i_account),
                              ("a.account_id = ?", account_id), ("a.ui_login = ?", login)):
            if value is not None:
                where.append(clause)
                params.append(value)
        if i_products is not None:
            i_products = list(i_products)
            where.append(f"a.i_product IN ({_marks(i_products)})")
            params.extend(i_products)
        if blocked is not None:
            where.append("a.blocked = ?")
            params.append(int(blocked))
        if search:
            where.append("(instr(lower(a.account_id), lower(?)) > 0"
                         " OR instr(lower(coalesce(a.FirstName, '') || ' ' ||"
                         " coalesce(a.LastName, '')), lower(?)) > 0"
                         " OR instr(lower(coalesce(a.Email, '')), lower(?)) > 0)")
            params.extend([search] * 3)
        return " AND ".join(where), params

    def account(self, i_reseller: int, i_account: int) -> sqlite3.Row | None:
        rows = self.accounts(i_reseller, i_account=i_account)
        return rows[0] if rows else None

    def open_account_id_exists(self, account_id: str) -> bool:
        """Account IDs are unique in the whole environment, across resellers."""
        return self._one("SELECT 1 FROM accounts WHERE account_id = ? AND bill_status <> 'C'",
                         (account_id,)) is not None

    def insert_account(self, values: dict[str, Any]) -> int:
        columns = list(values)
        cur = self.conn.execute(
            f"INSERT INTO accounts ({', '.join(_quote(c) for c in columns)}) "
            f"VALUES ({_marks(columns)})", [values[c] for c in columns])
        return cur.lastrowid

    def update_account(self, i_account: int, values: dict[str, Any]) -> None:
        if values:
            assignments = ", ".join(f"{_quote(c)} = ?" for c in values)
            self.conn.execute(f"UPDATE accounts SET {assignments} WHERE i_account = ?",
                              [*values.values(), i_account])

    def close_account(self, i_account: int, now: int) -> None:
        """Terminate (A6): the account leaves every read, its add-ons end, its extensions
        are released (kept, but no longer bound to an account)."""
        self.conn.execute("UPDATE accounts SET bill_status = 'C', closed_at = ? "
                          "WHERE i_account = ?", (now, i_account))
        self.conn.execute("UPDATE account_addons SET effective_to = ? "
                          "WHERE i_account = ? AND effective_to IS NULL", (now, i_account))
        self.conn.execute("UPDATE extensions SET i_account = 0 WHERE i_account = ?",
                          (i_account,))

    # -- add-ons assigned to accounts ------------------------------------------------------

    def account_addons(self, i_accounts: Iterable[int], *, current_only: bool = True,
                       ) -> dict[int, list[sqlite3.Row]]:
        """Add-on assignments per account (with the product's columns), oldest first."""
        i_accounts = list(i_accounts)
        result: dict[int, list[sqlite3.Row]] = {i: [] for i in i_accounts}
        for start in range(0, len(i_accounts), _CHUNK):      # SQLite caps bound parameters
            chunk = i_accounts[start:start + _CHUNK]
            sql = ("SELECT x.*, p.name, p.description, p.maintenance_fee, p.i_product_group,"
                   " p.product_group_name, p.i_subscription, p.subscription_fee, p.currency"
                   " FROM account_addons x JOIN products p ON p.i_product = x.i_product"
                   f" WHERE x.i_account IN ({_marks(chunk)})")
            if current_only:
                sql += " AND x.effective_to IS NULL"
            for row in self._all(sql + " ORDER BY x.i_account_addon", chunk):
                result[row["i_account"]].append(row)
        return result

    def assign_addon(self, i_account: int, i_product: int, now: int) -> None:
        self.conn.execute("INSERT INTO account_addons (i_account, i_product, effective_from)"
                          " VALUES (?, ?, ?)", (i_account, i_product, now))

    def end_addon(self, i_account_addon: int, now: int) -> None:
        self.conn.execute("UPDATE account_addons SET effective_to = ? WHERE i_account_addon = ?",
                          (now, i_account_addon))

    # -- customer extensions ------------------------------------------------------------------

    def extensions(self, i_customer: int, *, i_products: Iterable[int] | None = None,
                   i_c_ext: int | None = None, number: str | None = None,
                   ) -> list[sqlite3.Row]:
        """A customer's extensions, with the bound (open) account and its product if any."""
        where, params = ["e.i_customer = ?"], [i_customer]
        if i_c_ext is not None:
            where.append("e.i_c_ext = ?")
            params.append(i_c_ext)
        if number is not None:
            where.append("e.id = ?")
            params.append(number)
        if i_products is not None:
            i_products = list(i_products)
            where.append(f"a.i_product IN ({_marks(i_products)})")
            params.extend(i_products)
        return self._all(
            "SELECT e.*, a.account_id, a.FirstName AS first_name, a.LastName AS last_name,"
            " a.Note AS note, a.Email AS email, p.name AS product_name"
            " FROM extensions e"
            " LEFT JOIN accounts a ON a.i_account = e.i_account AND a.bill_status <> 'C'"
            " LEFT JOIN products p ON p.i_product = a.i_product"
            f" WHERE {' AND '.join(where)} ORDER BY e.i_c_ext", params)

    def insert_extension(self, i_customer: int, number: str, name: str, i_account: int) -> int:
        return self.conn.execute(
            "INSERT INTO extensions (i_customer, id, name, i_account) VALUES (?, ?, ?, ?)",
            (i_customer, number, name, i_account)).lastrowid

    def update_extension(self, i_c_ext: int, number: str, name: str, i_account: int) -> None:
        self.conn.execute("UPDATE extensions SET id = ?, name = ?, i_account = ? "
                          "WHERE i_c_ext = ?", (number, name, i_account, i_c_ext))

    def delete_extension(self, i_c_ext: int) -> None:
        self.conn.execute("DELETE FROM extensions WHERE i_c_ext = ?", (i_c_ext,))

    # -- active calls ---------------------------------------------------------------------

    def active_calls(self, i_reseller: int, now: int, *, i_customer: int | None = None,
                     i_account: int | None = None) -> list[sqlite3.Row]:
        """Calls connected at `now` and not yet disconnected."""
        where = ["k.connect_time <= :now", "k.disconnect_time > :now", "c.i_reseller = :r"]
        params: dict[str, Any] = {"now": now, "r": i_reseller}
        if i_customer is not None:
            where.append("k.i_customer = :cust")
            params["cust"] = i_customer
        if i_account is not None:
            where.append("k.i_account = :acct")
            params["acct"] = i_account
        return self._all(
            "SELECT k.*, a.account_id, a.FirstName AS first_name, a.LastName AS last_name,"
            " a.Note AS note, p.name AS product_name, d.description AS dest_name,"
            " (SELECT e.id FROM extensions e WHERE e.i_account = k.i_account"
            "   ORDER BY e.i_c_ext LIMIT 1) AS extension_number"
            " FROM active_calls k"
            " JOIN accounts a ON a.i_account = k.i_account"
            " JOIN customers c ON c.i_customer = k.i_customer"
            " JOIN products p ON p.i_product = a.i_product"
            " JOIN destinations d ON d.i_dest = k.i_dest"
            f" WHERE {' AND '.join(where)} ORDER BY k.connect_time, k.i_call", params)

    # -- live calls (traffic.py) ---------------------------------------------------------

    def destination_of(self, number: str) -> int | None:
        """The destination whose prefix is the longest one `number` starts with."""
        row = self._one("SELECT i_dest FROM destinations WHERE substr(?, 1, length(prefix))"
                        " = prefix ORDER BY length(prefix) DESC LIMIT 1", (number,))
        return row["i_dest"] if row else None

    def insert_live_call(self, i_customer: int, i_account: int, outgoing: bool, remote: str,
                         i_dest: int, connect_time: int, disconnect_time: int,
                         origin: str) -> int:
        return self.conn.execute(
            "INSERT INTO active_calls (i_customer, i_account, outgoing, remote, i_dest,"
            " connect_time, disconnect_time, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (i_customer, i_account, int(outgoing), remote, i_dest, connect_time,
             disconnect_time, origin)).lastrowid

    def live_call(self, i_call: int) -> sqlite3.Row | None:
        return self._one("SELECT * FROM active_calls WHERE i_call = ? AND origin <> 'seed'",
                         (i_call,))

    def end_live_call(self, i_call: int, now: int) -> None:
        self.conn.execute("UPDATE active_calls SET disconnect_time = ? WHERE i_call = ?",
                          (now, i_call))

    def write_live_cdrs(self, now: int, i_service: int, disconnect_cause: int) -> int:
        """The CDR of every live call ended by `now` that has none yet, in the order the calls
        ended (so CDR IDs grow with bill time, as a billing system assigns them)."""
        due = self._all(
            "SELECT k.*, a.account_id, d.rate FROM active_calls k"
            " JOIN accounts a ON a.i_account = k.i_account"
            " JOIN destinations d ON d.i_dest = k.i_dest"
            " WHERE k.origin <> 'seed' AND k.cdr_id IS NULL AND k.disconnect_time <= ?"
            " ORDER BY k.disconnect_time, k.i_call", (now,))
        for call in due:
            duration = call["disconnect_time"] - call["connect_time"]
            charged = round(duration * call["rate"] / 60, 4) if call["outgoing"] else 0.0
            cdr_id = self.conn.execute(
                "INSERT INTO cdrs (i_customer, i_account, account_id, connect_time, duration,"
                " outgoing, remote, i_dest, i_service, charged_amount, disconnect_cause)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (call["i_customer"], call["i_account"], call["account_id"],
                 call["connect_time"], duration, call["outgoing"], call["remote"],
                 call["i_dest"], i_service, charged, disconnect_cause)).lastrowid
            self.conn.execute("UPDATE active_calls SET cdr_id = ? WHERE i_call = ?",
                              (cdr_id, call["i_call"]))
        return len(due)

    def call_log(self, *, until: int | None = None, i_call: int | None = None,
                 ) -> list[sqlite3.Row]:
        """Calls that started by `until` (or one call), oldest first."""
        where, params = [], []
        if until is not None:
            where.append("k.connect_time <= ?")
            params.append(until)
        if i_call is not None:
            where.append("k.i_call = ?")
            params.append(i_call)
        return self._all(
            "SELECT k.*, a.account_id FROM active_calls k"
            " JOIN accounts a ON a.i_account = k.i_account"
            f" WHERE {' AND '.join(where) or '1'} ORDER BY k.connect_time, k.i_call", params)

    # -- CDRs -----------------------------------------------------------------------------

    def cdrs(self, where: CdrFilter, *, after: tuple[int, int] | None = None,
             limit: int | None = None, offset: int = 0) -> list[sqlite3.Row]:
        """CDRs in (connect_time, id) order; `after` is a keyset cursor from a previous page."""
        if after is not None and not where.by_bill_time:
            # The cursor row met the start bound, so the cursor is the tighter lower bound; with
            # both, SQLite seeks from the start and each page costs a scan up to the cursor.
            where = where.without_start()
        clauses, params = where.sql()
        if after is not None:
            clauses.append("(r.connect_time, r.id) > (?, ?)")
            params.extend(after)
        sql = f"{_CDR_SELECT} WHERE {' AND '.join(clauses)} ORDER BY r.connect_time, r.id"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return self._all(sql, params)

    def count_cdrs(self, where: CdrFilter) -> int:
        clauses, params = where.sql()
        return self._one(f"SELECT COUNT(*) FROM cdrs r WHERE {' AND '.join(clauses)}",
                         params)[0]

    def cdr_summary(self, where: CdrFilter) -> list[sqlite3.Row]:
        """Per-account call counts and durations (seconds) for the statistics route."""
        clauses, params = where.sql()
        return self._all(
            "SELECT r.i_account, r.account_id,"
            " SUM(r.outgoing) AS outgoing_count,"
            " SUM(CASE WHEN r.outgoing THEN r.duration ELSE 0 END) AS outgoing_duration,"
            " SUM(1 - r.outgoing) AS incoming_count,"
            " SUM(CASE WHEN r.outgoing THEN 0 ELSE r.duration END) AS incoming_duration,"
            " COUNT(*) AS total_count, SUM(r.duration) AS total_duration,"
            " SUM(r.charged_amount) AS charged_amount"
            f" FROM cdrs r WHERE {' AND '.join(clauses)}"
            " GROUP BY r.i_account, r.account_id ORDER BY r.i_account", params)


class CdrFilter:
    """Which CDRs a PortaCDR route asks for."""

    def __init__(self, *, i_customer: int | None = None, i_account: int | None = None,
                 start: int | None = None, end: int | None = None,
                 outgoing: bool | None = None, i_service: int | None = None,
                 connected_only: bool = False, by_bill_time: bool = False,
                 i_products: Sequence[int] | None = None):
        self.i_customer = i_customer
        self.i_account = i_account
        self.start = start
        self.end = end
        self.outgoing = outgoing
        self.i_service = i_service
        self.connected_only = connected_only
        self.by_bill_time = by_bill_time
        self.i_products = i_products

    def without_start(self) -> "CdrFilter":
        trimmed = copy.copy(self)
        trimmed.start = None
        return trimmed

    def key(self) -> tuple:
        """Identity of the result set (for the paging cache)."""
        return (self.i_customer, self.i_account, self.start, self.end, self.outgoing,
                self.i_service, self.connected_only, self.by_bill_time,
                tuple(self.i_products) if self.i_products is not None else None)

    def sql(self) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for clause, value in (("r.i_customer = ?", self.i_customer),
                              ("r.i_account = ?", self.i_account),
                              ("r.i_service = ?", self.i_service)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        # bill time = disconnect time; connect time is the indexed column
        time = "r.connect_time + r.duration" if self.by_bill_time else "r.connect_time"
        if self.start is not None:
            clauses.append(f"{time} >= ?")
            params.append(self.start)
        if self.end is not None:
            clauses.append(f"{time} < ?")
            params.append(self.end)
        if self.outgoing is not None:
            clauses.append("r.outgoing = ?")
            params.append(int(self.outgoing))
        if self.connected_only:
            clauses.append("r.duration > 0")
        if self.i_products is not None:
            clauses.append("r.i_account IN (SELECT i_account FROM accounts WHERE i_product IN "
                           f"({_marks(self.i_products)}))")
            params.extend(self.i_products)
        return clauses or ["1"], params


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values)) or "NULL"


def _quote(column: str) -> str:
    return f'"{column}"'
