"""The data the sandbox starts with (`--seed demo|empty`) and the bulk generators.

Everything random comes from one `random.Random(random_seed)`, and times are offsets from
the moment of seeding, so the same options give the same rows (shifted to "now").
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass

DAY = 86_400
CDR_DAYS = 90
DEMO_CDRS = 200
VOICE_SERVICE = 3          # PortaBilling's i_service of voice calls

RESELLERS = (
    # i_reseller, license, name
    (100, "DEMO-LICENSE", "Demo Reseller"),
    (200, "OTHER-LICENSE", "Other Reseller"),
)

CUSTOMERS = (
    # i_customer, i_reseller, name, first, last, email, address1, city, postcode, country,
    # phone, currency, balance, credit_limit
    (1001, 100, "Acme Ltd", "Ada", "Acme", "billing@acme.example", "1 Acme Street", "London",
     "EC1A 1AA", "GB", "442079460100", "GBP", 120.50, 1000),
    (1002, 100, "Globex", "Gil", "Globex", "accounts@globex.example", "2 Globex Way",
     "Manchester", "M1 1AA", "GB", "441619460200", "GBP", 35.00, 500),
    (2001, 200, "Initech", "Ian", "Initech", "it@initech.example", "3 Initech Road", "Leeds",
     "LS1 1AA", "GB", "441139460300", "GBP", 10.00, 250),
)

PRODUCTS = (
    # i_product, i_reseller, name, description, addon_priority, maintenance_fee,
    # i_product_group, product_group_name, i_subscription, subscription_fee
    (1, 100, "Office Line", "A single office phone line", 0, 10.00, 1, "Voice", 101, 10.00),
    (2, 100, "Hosted PBX Seat", "A seat on the hosted PBX", 0, 15.00, 1, "Voice", 102, 15.00),
    (3, 100, "SIP Trunk", "A SIP trunk for an on-site PBX", 0, 25.00, 1, "Voice", 103, 25.00),
    (11, 100, "Call Recording", "Record calls", 10, 3.00, 2, "Add-ons", 111, 3.00),
    (12, 100, "Voicemail to Email", "Voicemail delivered by email", 10, 1.00, 2, "Add-ons",
     112, 1.00),
    (13, 100, "International Calling", "Calls abroad", 20, 5.00, 2, "Add-ons", 113, 5.00),
    (21, 200, "Basic Line", "A basic phone line", 0, 8.00, 1, "Voice", 201, 8.00),
    (31, 200, "Call Recording", "Record calls", 10, 3.00, 2, "Add-ons", 211, 3.00),
)
CURRENCY = "GBP"

ACCOUNTS = (
    # i_account, account_id, i_customer, i_product, first, last, email, blocked,
    # credit_limit, balance, days since activation
    (5001, "441632960001", 1001, 2, "Alice", "Archer", "alice@acme.example", 0, 50, 12.40, 400),
    (5002, "441632960002", 1001, 2, "Bob", "Baker", "bob@acme.example", 0, 50, 3.75, 380),
    (5003, "441632960003", 1001, 1, "Carol", "Cole", "carol@acme.example", 1, 20, 0, 200),
    (5004, "441632960101", 1002, 3, "Dan", "Dale", "dan@globex.example", 0, 200, 41.10, 300),
    (5101, "442079460001", 2001, 21, "Erin", "Eve", "erin@initech.example", 0, 30, 5.00, 150),
)

SITES = (
    # i_customer_site, i_customer, name
    (301, 1001, "London HQ"),
    (302, 1001, "Bristol Branch"),
    (303, 1002, "Manchester"),
    (311, 2001, "Leeds"),
)

ACCOUNT_SITES = (
    # i_account, i_customer_site (accounts not listed are on no site)
    (5001, 301), (5002, 301), (5003, 302), (5004, 303), (5101, 311),
)

ACCOUNT_ADDONS = (
    # i_account, i_product, days since it took effect
    (5001, 11, 30),
)

EXTENSIONS = (
    # i_c_ext, i_customer, id, name, i_account
    (7001, 1001, "101", "Reception", 5001),
    (7002, 1001, "102", "Sales", 5002),
    (7003, 1002, "201", "Front Desk", 5004),
    (7101, 2001, "101", "Main", 5101),
)

DESTINATIONS = (
    # i_dest, prefix, description, country, iso 3166-1 alpha-3, rate per minute
    (1, "4420", "United Kingdom - London", "United Kingdom", "GBR", 0.010),
    (2, "447", "United Kingdom - Mobile", "United Kingdom", "GBR", 0.050),
    (3, "44161", "United Kingdom - Manchester", "United Kingdom", "GBR", 0.010),
    (4, "1", "USA", "United States", "USA", 0.020),
    (5, "33", "France", "France", "FRA", 0.030),
    (6, "49", "Germany", "Germany", "DEU", 0.030),
)

# Ranges that only calls placed through `POST /__sandbox/calls` reach (generated CDRs and
# traffic use DESTINATIONS): the premium and high-cost ranges toll fraud goes for.
FRAUD_DESTINATIONS = (
    (101, "882", "International Networks", "International Networks", "", 1.500),
    (102, "881", "Global Mobile Satellite System", "Global Mobile Satellite System", "", 2.000),
    (103, "53", "Cuba", "Cuba", "CUB", 0.900),
    (104, "252", "Somalia", "Somalia", "SOM", 1.200),
    (105, "371", "Latvia", "Latvia", "LVA", 0.400),
)

# Accounts with a call in progress right after seeding ("a few active calls").
ACTIVE_AT_SEED = (5001, 5004, 5101)
EXTRA_ACCOUNT_CUSTOMER = 1001
EXTRA_ACCOUNT_PRODUCT = 1
EXTRA_ACCOUNT_PREFIX = "44163297"
# `--customers N`: generated customers of the demo reseller get these IDs, two sites each.
EXTRA_CUSTOMER_START = 1101
EXTRA_SITE_START = 401


@dataclass(frozen=True)
class SeedOptions:
    kind: str = "demo"                 # "demo" or "empty"
    cdrs: int | None = None            # None: DEMO_CDRS for demo, 0 for empty
    accounts: int = 0                  # extra accounts for customer 1001 (or spread, below)
    customers: int = 0                 # extra customers; extra accounts are spread over them
    random_seed: int = 1

    @property
    def cdr_count(self) -> int:
        if self.cdrs is not None:
            return self.cdrs
        return DEMO_CDRS if self.kind == "demo" else 0


def load(conn: sqlite3.Connection, options: SeedOptions, now: int) -> None:
    """Insert the seed into freshly created tables (inside the caller's transaction)."""
    if options.kind not in ("demo", "empty"):
        raise ValueError(f"unknown seed {options.kind!r}")
    rng = random.Random(options.random_seed)
    conn.executemany("INSERT INTO resellers VALUES (?, ?, ?)", RESELLERS)
    conn.executemany("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", CUSTOMERS)
    conn.executemany(
        "INSERT INTO products (i_product, i_reseller, name, description, addon_priority,"
        " maintenance_fee, i_product_group, product_group_name, i_subscription,"
        " subscription_fee, end_user_name, currency) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*row, row[2], CURRENCY) for row in PRODUCTS])
    conn.executemany("INSERT INTO destinations VALUES (?, ?, ?, ?, ?, ?)",
                     DESTINATIONS + FRAUD_DESTINATIONS)
    if options.kind == "demo":
        _load_demo_accounts(conn, now)
    if options.customers:
        _load_extra_customers(conn, options.customers)
    if options.accounts:
        _load_extra_accounts(conn, options.accounts, now, options.customers)
    accounts = conn.execute("SELECT i_account, account_id, i_customer FROM accounts"
                            " ORDER BY i_account").fetchall()
    if accounts:
        _load_active_calls(conn, rng, accounts, now)
        conn.executemany(
            "INSERT INTO cdrs (id, i_customer, i_account, account_id, connect_time, duration,"
            " outgoing, remote, i_dest, i_service, charged_amount, disconnect_cause)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            generate_cdrs(rng, accounts, options.cdr_count, now))


def _account_row(i_account, account_id, i_customer, i_product, first, last, email, blocked,
                 credit_limit, balance, activated) -> dict:
    return {
        "i_account": i_account, "account_id": account_id, "i_customer": i_customer,
        "i_product": i_product, "FirstName": first, "LastName": last,
        "Name": f"{first} {last}", "Email": email, "blocked": blocked,
        "credit_limit": credit_limit, "balance": balance,
        "voip_password": f"sip-{i_account}-pw", "ui_login": account_id,
        "ui_password": f"web-{i_account}-pw", "activation_date": activated,
        "issue_date": activated,
    }


def _insert_accounts(conn: sqlite3.Connection, rows: list[dict]) -> None:
    columns = list(rows[0])
    names = ", ".join('"%s"' % c for c in columns)
    conn.executemany(
        f"INSERT INTO accounts ({names}) VALUES ({', '.join('?' * len(columns))})",
        [[row[c] for c in columns] for row in rows])


def _load_demo_accounts(conn: sqlite3.Connection, now: int) -> None:
    _insert_accounts(conn, [
        _account_row(i, aid, cust, prod, first, last, email, blocked, limit, balance,
                     now - days * DAY)
        for i, aid, cust, prod, first, last, email, blocked, limit, balance, days in ACCOUNTS])
    conn.executemany("INSERT INTO account_addons (i_account, i_product, effective_from)"
                     " VALUES (?, ?, ?)",
                     [(acct, prod, now - days * DAY) for acct, prod, days in ACCOUNT_ADDONS])
    conn.executemany("INSERT INTO extensions VALUES (?, ?, ?, ?, ?)", EXTENSIONS)
    conn.executemany("INSERT INTO customer_sites VALUES (?, ?, ?)", SITES)
    conn.executemany("UPDATE accounts SET i_customer_site = ? WHERE i_account = ?",
                     [(site, account) for account, site in ACCOUNT_SITES])


def _extra_customer_ids(count: int) -> list[int]:
    return list(range(EXTRA_CUSTOMER_START, EXTRA_CUSTOMER_START + count))


def _load_extra_customers(conn: sqlite3.Connection, count: int) -> None:
    """`--customers N`: N more customers of the demo reseller, each with two sites."""
    i_reseller = RESELLERS[0][0]
    rows, sites = [], []
    for n, i_customer in enumerate(_extra_customer_ids(count), 1):
        rows.append((i_customer, i_reseller, f"Customer {n:03d}", "Cust", f"{n:03d}",
                     f"billing@customer{n:03d}.example", f"{n} Generated Road", "London",
                     "EC1A 1AA", "GB", f"4420794{n:05d}", CURRENCY, 0, 1000))
        base = EXTRA_SITE_START + 2 * (n - 1)
        sites += [(base, i_customer, "Head Office"), (base + 1, i_customer, "Branch")]
    conn.executemany("INSERT INTO customers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO customer_sites VALUES (?, ?, ?)", sites)


def _load_extra_accounts(conn: sqlite3.Connection, count: int, now: int,
                         customers: int = 0) -> None:
    """`--accounts N`: N more accounts of customer 1001; their IDs follow the seeded ones.
    With `--customers M` they are spread round-robin over the M generated customers instead,
    with varied products, sites, blocking and add-ons (what an inventory groups by)."""
    start = (conn.execute("SELECT max(i_account) FROM accounts").fetchone()[0] or 5000) + 1
    owners = _extra_customer_ids(customers) or [EXTRA_ACCOUNT_CUSTOMER]
    main_products = (1, 2, 3)
    rows, addons = [], []
    for n in range(count):
        number = f"{n + 1:04d}"
        spread = customers > 0
        i_customer = owners[n % len(owners)]
        rank = n // len(owners)                 # the account's position within its customer
        row = _account_row(
            start + n, f"{EXTRA_ACCOUNT_PREFIX}{number}", i_customer,
            main_products[rank % 3] if spread else EXTRA_ACCOUNT_PRODUCT, "User", number,
            f"user{number}@acme.example", int(spread and n % 17 == 0), 10, 0, now - 60 * DAY)
        if spread:
            row["i_customer_site"] = (EXTRA_SITE_START + 2 * owners.index(i_customer)
                                      + rank % 2)
            if n % 5 == 0:
                addons.append((start + n, 11, now - 30 * DAY))
        rows.append(row)
    _insert_accounts(conn, rows)
    conn.executemany("INSERT INTO account_addons (i_account, i_product, effective_from)"
                     " VALUES (?, ?, ?)", addons)


def _remote_number(rng: random.Random, prefix: str) -> str:
    digits = 12 - len(prefix)
    return prefix + str(rng.randrange(10 ** digits)).zfill(digits)


def _load_active_calls(conn: sqlite3.Connection, rng: random.Random, accounts, now: int) -> None:
    """Call sessions from an hour ago to two days ahead, so calls begin and end over time."""
    rows = []
    by_id = {row[0]: row for row in accounts}
    busy = [by_id[i] for i in ACTIVE_AT_SEED if i in by_id] or list(accounts[:3])
    for i_account, _account_id, i_customer in busy:
        start = now - rng.randrange(30, 600)
        in_progress = True                          # the first call spans the seeding moment
        while start < now + 2 * DAY:
            end = start + rng.randrange(120, 1800)
            if in_progress:
                end, in_progress = max(end, now + 300), False
            dest = DESTINATIONS[rng.randrange(len(DESTINATIONS))]
            rows.append((i_customer, i_account, int(rng.random() < 0.6),
                         _remote_number(rng, dest[1]), dest[0], start, end))
            start = end + rng.randrange(60, 1200)
    conn.executemany("INSERT INTO active_calls (i_customer, i_account, outgoing, remote, i_dest,"
                     " connect_time, disconnect_time) VALUES (?,?,?,?,?,?,?)", rows)


def generate_cdrs(rng: random.Random, accounts, count: int, now: int):
    """`count` CDRs over `accounts` and the last CDR_DAYS days, yielded in time order so that
    IDs grow with connect time (as a billing system assigns them)."""
    if count <= 0:
        return
    # Only the sorted start offsets are held in memory; rows are built lazily.
    starts = sorted(now - rng.randrange(60, CDR_DAYS * DAY) for _ in range(count))
    n_accounts, n_dests = len(accounts), len(DESTINATIONS)
    random_ = rng.random
    for cdr_id, start in enumerate(starts, start=1):
        i_account, account_id, i_customer = accounts[int(random_() * n_accounts)]
        i_dest, prefix, _desc, _country, _iso, rate = DESTINATIONS[int(random_() * n_dests)]
        outgoing = random_() < 0.6
        failed = random_() < 0.08
        duration = 0 if failed else int(rng.expovariate(1 / 180)) + 1
        digits = 12 - len(prefix)
        remote = prefix + str(int(random_() * 10 ** digits)).zfill(digits)
        charged = round(duration * rate / 60, 4) if outgoing else 0.0
        cause = (17 if random_() < 0.5 else 19) if failed else 16
        yield (cdr_id, i_customer, i_account, account_id, start, duration, int(outgoing),
               remote, i_dest, VOICE_SERVICE, charged, cause)

