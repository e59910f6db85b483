"""The sample board, and synthetic boards for benchmarks.

`build_sample` writes the example board shipped as `sample.db`: the data team of a B2B
marketplace (business buyers ordering from suppliers), seven stakeholders, three
quarters already decided and one being prepared. It goes through the public `Store`
API, as a person at the keyboard would, with a fake clock, so the file is the same
byte for byte on every run.

`generate_board` writes a large, plausible but meaningless board fast, for measuring
the store and the UI: it inserts rows in bulk, keeping the schema's ordering rules.

Both end with a history of one non-undoable event, so that undo on a fresh copy does
nothing surprising (it would otherwise take apart the sample, one action at a time).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .db import SQLITE_HEADER
from .model import Place
from .schema import APPLICATION_ID
from .store import Store

SAMPLE_QUARTER = "2026-Q3"
HISTORY_PAYLOAD = json.dumps({"changes": [], "undoable": False})

_ISO = "%Y-%m-%dT%H:%M:%SZ"


# ---------------------------------------------------------------------- helpers


class _Clock:
    """A fake clock: each call returns a timestamp a few minutes after the last one.

    `jump` moves it forward to a given moment (never back), so that each step of a
    quarter's preparation lands on a plausible working day.
    """

    def __init__(self, start: str, step_minutes: int = 3) -> None:
        self._now = _parse(start)
        self._step = timedelta(minutes=step_minutes)

    def __call__(self) -> str:
        value = self._now.strftime(_ISO)
        self._now += self._step
        return value

    @property
    def now(self) -> datetime:
        return self._now

    def jump(self, moment: datetime) -> None:
        self._now = max(self._now, moment)


def _parse(text: str) -> datetime:
    return datetime.strptime(text, _ISO).replace(tzinfo=UTC)


def _workday(start: datetime, days: int, hour: int = 9) -> datetime:
    """The `days`-th working day after `start` (0: start itself), at `hour`."""
    day = start.replace(hour=hour, minute=0, second=0)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


def _companions(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _is_board_or_empty(path: Path) -> bool:
    """True for an empty file or an SQLite file marked as a planboard board."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header:
        return True
    return (
        header.startswith(SQLITE_HEADER)
        and len(header) >= 72
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def _make_room(path: Path, overwrite: bool) -> None:
    """Refuse an existing file unless `overwrite`; then remove it and its WAL files.

    Even with `overwrite`, a file that is not a board is left alone: the generators
    replace boards, not whatever file a mistyped path points at.
    """
    existing = [p for p in _companions(path) if p.exists()]
    if not existing:
        return
    if not overwrite:
        raise FileExistsError(f"{existing[0]} already exists; pass overwrite=True to replace it.")
    if path.is_dir() or (path.exists() and not _is_board_or_empty(path)):
        raise FileExistsError(f"{path} exists and is not a planboard board; not replacing it.")
    for companion in existing:
        companion.unlink()


@contextmanager
def _new_board(path: Path, overwrite: bool, clock: _Clock, first_quarter: str) -> Iterator[Store]:
    """Open a new board at `path`; if building it fails, remove the half-built file."""
    _make_room(path, overwrite)
    store = Store.open(path, clock=clock, first_quarter=first_quarter)
    try:
        yield store
    except BaseException:
        store.close()
        for companion in _companions(path):
            companion.unlink(missing_ok=True)
        raise


def _seal(store: Store, at: str, quarter_id: int, summary: str) -> None:
    """Replace the construction history with one non-undoable event, then compact the
    file into a single, complete, reproducible file and close it."""
    conn = store.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM events")
        # A fixed identity, so that the file is reproducible byte for byte.
        conn.execute("UPDATE settings SET value = 'sample-board' WHERE key = 'board_id'")
        conn.execute(
            "INSERT INTO events (at, quarter_id, action, summary, payload) VALUES (?, ?, ?, ?, ?)",
            (at, quarter_id, "sample", summary, HISTORY_PAYLOAD),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    # Full statistics now (not `PRAGMA optimize`, whose work depends on which queries
    # ran), so the file does not change with the store's query patterns, and closing
    # the store finds nothing left to analyse.
    conn.execute("ANALYZE")
    # Leave WAL mode: this checkpoints and deletes the -wal file, so the board is one
    # self-contained file (the store switches back to WAL when it next opens it).
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    store.close()


# ------------------------------------------------------------------ the sample


@dataclass(frozen=True)
class _Item:
    owner: str  # "team" or a stakeholder key
    title: str
    notes: str = ""
    effort: float | None = None
    block: str | None = None  # the key of the block it is packaged into
    dropped: str | None = None  # the reason it was dropped


@dataclass(frozen=True)
class _Block:
    key: str
    name: str
    case: str
    effort: float | None = None
    rank: int | None = None


@dataclass(frozen=True)
class _Quarter:
    name: str
    opens: str  # when preparation starts
    event: str | None  # when the planning event took place (None: not yet)
    blocks: Sequence[_Block]
    items: Sequence[_Item]
    rationale: str = ""
    attendees: str = ""


VISION = "Help employees make better and faster decisions thanks to data."

# key, stakeholder name, department
STAKEHOLDERS: tuple[tuple[str, str, str], ...] = (
    ("sales", "Head of Sales", "Sales"),
    ("service", "Customer Service Lead", "Service"),
    ("marketing", "Head of Marketing", "Marketing"),
    ("product", "Head of Product", "Product"),
    ("cfo", "CFO", "Finance"),
    ("coo", "COO", "Operations"),
    ("suppliers", "Head of Supplier Management", "Suppliers"),
)

# The order in which lists arrive, one a working day.
_OWNERS = ("team", *(key for key, _, _ in STAKEHOLDERS))

_EVERYONE = (
    "Lea Fischer, Omar Haddad, Daniel Brandt, Aisha Mensah, Sofia Romano, "
    "Julien Moreau, Katrin Weber, Rahul Mehta, Elena Petrova"
)


def _q4_2025() -> _Quarter:
    gmv, pipe, tickets, onboarding = "gmv", "pipeline", "tickets", "onboarding"
    return _Quarter(
        name="2025-Q4",
        opens="2025-09-08T08:30:00Z",
        event="2025-09-25T14:00:00Z",
        blocks=(
            _Block(
                gmv,
                "One trusted GMV and take-rate number",
                "Finance, management and sales quote three different GMV figures. One "
                "certified definition of GMV, net revenue and take rate, refreshed daily, "
                "lets every meeting start from the same number instead of arguing about it: "
                "the ground every faster decision after it stands on.",
                30,
                rank=1,
            ),
            _Block(
                pipe,
                "Sales pipeline visibility",
                "Sales managers rebuild their pipeline in spreadsheets every Monday. A "
                "pipeline model fed from the CRM, with lead source and stage history, gives "
                "reps and managers one view of what will close, so coaching and hiring "
                "decisions happen weekly instead of at quarter end.",
                25,
                rank=2,
            ),
            _Block(
                tickets,
                "Service ticket insights",
                "Tag every ticket with its contact reason, order and supplier, so that "
                "Service sees which problems create the volume and gets causes fixed "
                "instead of answering symptoms faster.",
                20,
            ),
            _Block(
                onboarding,
                "Supplier onboarding funnel",
                "Follow each new supplier from signed contract to first order, so supplier "
                "managers see where onboarding stalls and which suppliers need a nudge.",
                15,
            ),
        ),
        items=(
            _Item(
                "team",
                "Certified GMV definition (gross, net of cancellations, net of returns)",
                "Finance reports invoiced GMV, Sales reports ordered GMV. Write both down "
                "and agree which one is the company number.",
                5,
                block=gmv,
            ),
            _Item(
                "team",
                "Daily orders fact table with currency conversion",
                "Almost every request on the lists needs it; today three reports rebuild "
                "it by hand.",
                10,
                block=gmv,
            ),
            _Item(
                "team",
                "Retire the legacy Excel revenue report",
                effort=3,
                dropped="Goes away by itself once the certified GMV is live; no separate work.",
            ),
            _Item("team", "Data dictionary for the top 30 metrics", effort=8),
            _Item(
                "sales",
                "Pipeline by stage and sales rep, refreshed daily",
                effort=8,
                block=pipe,
            ),
            _Item("sales", "Win rate by lead source", effort=5, block=pipe),
            _Item(
                "sales",
                "Quota attainment per rep for the bonus run",
                dropped="A one-off for the January bonus run; Finance extracts it from the "
                "payroll export.",
            ),
            _Item(
                "sales",
                "Key accounts that have not ordered in 60 days",
                "Account managers ask the analysts for this list every week.",
                3,
            ),
            _Item("service", "Tickets by contact reason, weekly", effort=5, block=tickets),
            _Item(
                "service",
                "First response time by channel (phone, email, chat)",
                effort=3,
                block=tickets,
            ),
            _Item(
                "service", "Link every ticket to its order and supplier", effort=8, block=tickets
            ),
            _Item(
                "marketing",
                "Lead source captured on every opportunity",
                "Without it we can't tell which campaigns create pipeline.",
                3,
                block=pipe,
            ),
            _Item(
                "marketing",
                "Newsletter open and click rates by segment",
                dropped="The email tool reports it already.",
            ),
            _Item("marketing", "Cost per lead by channel", effort=5),
            _Item(
                "product",
                "One definition of an active buyer",
                "Product counts logins, Sales counts orders; the board pack needs one.",
                3,
                block=gmv,
            ),
            _Item("product", "Search-to-order conversion by category", effort=8),
            _Item(
                "product",
                "A/B test readout template",
                dropped="The product analysts have a notebook for it; little value beyond "
                "the product team.",
            ),
            _Item(
                "cfo",
                "Monthly board pack: GMV, net revenue and take rate by category",
                effort=8,
                block=gmv,
            ),
            _Item("cfo", "Take rate by supplier tier and category", effort=5, block=gmv),
            _Item(
                "cfo",
                "Cash forecast by payment term",
                dropped="The treasury tool covers it well enough until payment terms are extended.",
            ),
            _Item("coo", "Daily GMV vs. budget, one number for the morning call", block=gmv),
            _Item(
                "coo",
                "Order cancellation rate by reason",
                "Cancellations are at 6% and nobody knows whether buyers or suppliers cancel.",
                5,
            ),
            _Item(
                "suppliers",
                "Time from signed contract to first order, per new supplier",
                effort=5,
                block=onboarding,
            ),
            _Item(
                "suppliers",
                "Catalog completeness score per supplier",
                "Share of products with a price, a picture, a delivery time and a category.",
                8,
                block=onboarding,
            ),
            _Item("suppliers", "Suppliers with no order in 90 days", effort=2),
        ),
        rationale=(
            "Every other request depends on a GMV number people trust, so the certified "
            "GMV block comes first. Sales pipeline visibility is second: the new sales "
            "regions start in October and their managers have no shared view of their "
            "pipeline. Service and Supplier Management get nothing this quarter; both said "
            "they can live with their current exports, and ticket insights go to the top "
            "of the team's list for next quarter."
        ),
        attendees=_EVERYONE,
    )


def _q1_2026() -> _Quarter:
    score, contact, attribution, invoices = "scorecard", "contact", "attribution", "invoices"
    return _Quarter(
        name="2026-Q1",
        opens="2025-11-24T08:30:00Z",
        event="2025-12-11T14:00:00Z",
        blocks=(
            _Block(
                score,
                "Supplier performance scorecard",
                "Supplier managers negotiate on impressions. One scorecard per supplier "
                "(on-time delivery, cancellations, catalog quality, tickets per order) lets "
                "them decide whom to grow, coach or delist, and warns Operations of late "
                "deliveries before buyers call.",
                30,
                rank=1,
            ),
            _Block(
                contact,
                "Contact reasons and ticket deflection",
                "Service volume grows faster than orders. Knowing why buyers contact us, at "
                "each step of an order, lets Product fix the causes and Service staff its "
                "queues, instead of hiring for symptoms.",
                25,
                rank=2,
            ),
            _Block(
                attribution,
                "Campaign attribution and acquisition cost",
                "Marketing spends a third of its budget without knowing which channels bring "
                "buyers who order. Attribution from first touch to first order would let it "
                "move budget every month instead of every year.",
                30,
            ),
            _Block(
                invoices,
                "Overdue invoice monitoring",
                "Overdue invoices tie up working capital. A daily view of overdue amounts by "
                "buyer and payment term lets Finance and account managers chase earlier.",
                15,
            ),
        ),
        items=(
            _Item(
                "team",
                "Ticket-to-order link in the warehouse",
                "Carried over from 2025-Q4, where ticket insights topped the team's list.",
                8,
                block=contact,
            ),
            _Item(
                "team",
                "Supplier dimension with tier, region and supplier manager",
                effort=5,
                block=score,
            ),
            _Item(
                "team",
                "Automated data quality checks on orders and invoices",
                "Two broken GMV refreshes in November; the CFO noticed before we did.",
                10,
            ),
            _Item(
                "team",
                "Self-service GMV explorer for managers",
                effort=10,
                dropped="Too early: wait until the certified GMV has run a full quarter "
                "without disputes.",
            ),
            _Item(
                "sales",
                "Account health score for key accounts",
                "Combine order frequency, open tickets and overdue invoices.",
                15,
            ),
            _Item("sales", "Forecast vs. actual bookings by region", effort=5),
            _Item(
                "sales",
                "Reorder reminder list for account managers",
                dropped="The CRM can build it from the last order date; Sales Ops will set it up.",
            ),
            _Item(
                "service",
                "Contact reasons by order step (before order, delivery, invoice, return)",
                effort=8,
                block=contact,
            ),
            _Item("service", "Tickets per 100 orders, by supplier", effort=3, block=score),
            _Item(
                "service",
                "Service staffing forecast by weekday",
                dropped="The workforce planning tool forecasts from call volumes; ticket "
                "data would add little.",
            ),
            _Item(
                "marketing",
                "Channel attribution from first visit to first order",
                effort=15,
                block=attribution,
            ),
            _Item(
                "marketing",
                "Customer acquisition cost by channel and month",
                effort=8,
                block=attribution,
            ),
            _Item(
                "marketing",
                "Campaign calendar next to daily orders",
                effort=3,
                block=attribution,
            ),
            _Item(
                "marketing",
                "Buyer persona segmentation",
                dropped="A research project rather than a data product; Marketing runs it "
                "with its agency.",
            ),
            _Item(
                "product",
                "Why do buyers contact us after checkout?",
                "The order tracking page is redesigned in Q2; we need the baseline before.",
                5,
                block=contact,
            ),
            _Item(
                "product",
                "Help center article views vs. tickets opened",
                effort=3,
                block=contact,
            ),
            _Item("product", "Search-to-order conversion by category", effort=8),
            _Item(
                "cfo",
                "Overdue invoices by buyer and payment term",
                effort=8,
                block=invoices,
            ),
            _Item("cfo", "Days sales outstanding by customer segment", effort=5, block=invoices),
            _Item(
                "cfo",
                "Warehouse and tool costs per department",
                dropped="Nice to know; no decision is waiting for it.",
            ),
            _Item("coo", "Late deliveries by supplier and region, weekly", effort=3, block=score),
            _Item("coo", "Delivery lead time by product category", effort=5),
            _Item(
                "suppliers", "On-time delivery rate per supplier, monthly", effort=5, block=score
            ),
            _Item(
                "suppliers",
                "Cancellation rate per supplier, split by who cancelled",
                effort=5,
                block=score,
            ),
            _Item(
                "suppliers",
                "Catalog completeness score per supplier",
                "Left out in 2025-Q4; still the first thing supplier managers ask for.",
                5,
                block=score,
            ),
            _Item(
                "suppliers",
                "Supplier onboarding funnel",
                dropped="Only twelve new suppliers signed this quarter; a shared spreadsheet "
                "does the job.",
            ),
        ),
        rationale=(
            "Supplier quality drives most cancellations and 'where is my order' tickets, so "
            "the supplier scorecard comes first and serves Operations and Service at the "
            "same time. Contact reasons come second: Product needs the baseline before the "
            "order tracking redesign in Q2. Marketing's attribution block was a close third "
            "but needs the web tracking clean-up to finish first. Finance keeps its overdue "
            "list in the ERP for one more quarter."
        ),
        attendees=(
            "Lea Fischer, Mia Jansen, Jonas Keller, Aisha Mensah, Sofia Romano, "
            "Julien Moreau, Katrin Weber, Rahul Mehta, Elena Petrova"
        ),
    )


def _q2_2026() -> _Quarter:
    churn, search, roi = "churn", "search", "roi"
    return _Quarter(
        name="2026-Q2",
        opens="2026-03-02T08:30:00Z",
        event="2026-03-19T14:00:00Z",
        blocks=(
            _Block(
                churn,
                "Key account churn early warning",
                "Three of the twenty largest buyers stopped ordering last quarter, and we "
                "learned it from the invoices. One early-warning score per key account "
                "(falling order frequency, open complaints, late payments, late deliveries) "
                "lets account managers act weeks earlier, on the accounts that carry most of "
                "the GMV.",
                35,
                rank=1,
            ),
            _Block(
                search,
                "Search and catalog gaps",
                "Buyers search for products we don't list, and suppliers don't know it. "
                "Zero-result searches and missing catalog data, shared with supplier "
                "managers, turn lost searches into listings.",
                20,
            ),
            _Block(
                roi,
                "Campaign ROI",
                "Carried over from 2026-Q1: which channels bring buyers who order and "
                "reorder, so Marketing can move budget every month on evidence.",
                25,
            ),
        ),
        items=(
            _Item(
                "team",
                "Key account list with owner and segment in the warehouse",
                effort=3,
                block=churn,
            ),
            _Item(
                "team",
                "Order frequency baseline per key account",
                "Weekly orders over the last 52 weeks; the drop from the baseline is the "
                "first signal.",
                5,
                block=churn,
            ),
            _Item("team", "Zero-result search report", effort=5, block=search),
            _Item(
                "team",
                "Move the CRM sync from nightly to hourly",
                effort=5,
                dropped="Nobody on the lists needs hourly data yet; nightly is enough for the "
                "churn score.",
            ),
            _Item(
                "sales",
                "Early warning when a key account orders less",
                effort=10,
                block=churn,
            ),
            _Item("sales", "Which of my accounts pay late?", effort=3, block=churn),
            _Item("sales", "Rep activity vs. orders (calls, visits, orders)", effort=8),
            _Item(
                "sales",
                "Price comparison against competitors",
                dropped="We have no reliable competitor prices; buying them is a budget "
                "decision, not a data one.",
            ),
            _Item("service", "Open complaints per key account", effort=3, block=churn),
            _Item("service", "Customer satisfaction survey results by supplier", effort=5),
            _Item(
                "service",
                "Tickets about invoices by payment term",
                dropped="About 40 a month; Service can filter them in the helpdesk.",
            ),
            _Item(
                "marketing",
                "Which campaigns bring buyers who reorder",
                effort=10,
                block=roi,
            ),
            _Item("marketing", "Cost per acquired buyer by channel", effort=5, block=roi),
            _Item("marketing", "Webinar attendance vs. first orders", effort=3, block=roi),
            _Item(
                "product",
                "Searches with zero results, by category",
                effort=3,
                block=search,
            ),
            _Item(
                "product",
                "Tickets before and after the order tracking redesign",
                "The redesign ships in April.",
                3,
            ),
            _Item(
                "cfo",
                "Overdue amount per key account, daily",
                "A late payment is often the first sign that a buyer is in trouble.",
                3,
                block=churn,
            ),
            _Item("cfo", "Payment term extensions granted vs. order growth", effort=8),
            _Item(
                "cfo",
                "Revenue cohort charts for the investor update",
                dropped="Asked once a year; an analyst builds it by hand in two days.",
            ),
            _Item("coo", "Key accounts with repeated late deliveries", effort=3, block=churn),
            _Item("coo", "Dropship lead time by region", effort=5),
            _Item(
                "suppliers",
                "Products buyers look for that we don't list",
                effort=5,
                block=search,
            ),
            _Item(
                "suppliers",
                "Supplier scorecard: add the return rate",
                "A small follow-up to the 2026-Q1 scorecard.",
                3,
            ),
            _Item(
                "suppliers",
                "Supplier price changes vs. order volume",
                dropped="Price elasticity needs a proper study; too big for a list item.",
            ),
        ),
        rationale=(
            "Losing three key accounts in Q1 cost more GMV than any other item on the lists "
            "could win back, so the room chose the churn early warning alone and gave it the "
            "whole team. Search and catalog gaps and Marketing's campaign ROI were close "
            "seconds; doing either alongside would have pushed the score into Q3. Marketing "
            "is now cut off two quarters in a row: the team will bring campaign ROI to the "
            "Q3 event as a ready block with an estimate."
        ),
        attendees=(
            "Lea Fischer, Omar Haddad, Mia Jansen, Daniel Brandt, Aisha Mensah, "
            "Sofia Romano, Julien Moreau, Katrin Weber, Rahul Mehta, Elena Petrova"
        ),
    )


def _q3_2026() -> _Quarter:
    pulse, roi, delivery, search = "pulse", "roi", "delivery", "search"
    return _Quarter(
        name=SAMPLE_QUARTER,
        opens="2026-06-01T08:30:00Z",
        event=None,
        blocks=(
            _Block(
                pulse,
                "Weekly commercial pulse",
                "Every Monday, Sales, Finance and the COO each build their own view of the "
                "week's pipeline and bookings. One shared Monday pulse (pipeline coverage by "
                "region, bookings against forecast, key account alerts from the Q2 churn "
                "score) lets the leadership meeting decide on the week instead of "
                "reconciling numbers.",
                25,
            ),
            _Block(
                roi,
                "Campaign ROI, end to end",
                "Marketing has been cut off two quarters in a row and still moves its budget "
                "once a year. Attribution from first touch to repeat orders, and the cost of "
                "each acquired buyer, let it shift spend every month to the channels that "
                "bring buyers who reorder.",
                30,
            ),
            _Block(
                delivery,
                "Supplier delivery reliability",
                "Late deliveries are still the first reason buyers contact us. Predicting "
                "late orders per supplier lets Operations warn buyers before they call, "
                "Service take fewer tickets, and supplier managers coach the worst suppliers "
                "with figures.",
            ),
            _Block(
                search,
                "Search and catalog gaps",
                "Carried over from 2026-Q2: show supplier managers what buyers search for "
                "and can't find, so lost searches become listings and orders.",
                15,
            ),
        ),
        items=(
            # The team's list.
            _Item(
                "team",
                "Weekly pipeline and bookings snapshot table",
                "Freeze the CRM pipeline every Monday at 06:00 so that weeks can be compared.",
                5,
                block=pulse,
            ),
            _Item(
                "team",
                "Attribution model from first touch to repeat order",
                "Rules-based first (first and last touch); no machine learning this quarter.",
                15,
                block=roi,
            ),
            _Item(
                "team",
                "Zero-result search report for category managers",
                effort=5,
                block=search,
            ),
            _Item(
                "team", "Promised vs. actual delivery date per order line", effort=8, block=delivery
            ),
            _Item(
                "team",
                "Automated data quality checks on orders and invoices",
                "Back on the team's list after 2026-Q1; two incidents in May.",
                10,
            ),
            _Item("team", "Move the remaining Excel reports into the BI tool", effort=15),
            _Item("team", "Contact-reason taxonomy for service tickets, version 2", effort=5),
            _Item("team", "Name an owner for each of the top 30 metrics", effort=3),
            _Item(
                "team",
                "Upgrade the transformation tooling to the current major version",
                effort=5,
                dropped="Maintenance: it comes out of the team's own 20% budget, not a block.",
            ),
            _Item(
                "team",
                "Self-service GMV explorer for managers",
                "Postponed in 2026-Q1; the certified GMV has now run two quarters without a "
                "dispute.",
                10,
            ),
            _Item("team", "Take rate bridge month over month (mix vs. price)", effort=5),
            _Item(
                "team",
                "Data platform cost per department",
                dropped="Nobody on the lists asked for it; the yearly estimate is enough.",
            ),
            # Head of Sales.
            _Item(
                "sales",
                "Weekly pipeline coverage by region",
                "Coverage = open pipeline closing this quarter / quota still to reach.",
                5,
                block=pulse,
            ),
            _Item("sales", "Forecast vs. actual bookings per sales rep", effort=5, block=pulse),
            _Item(
                "sales",
                "Key accounts with falling order frequency, inside the CRM",
                "The Q2 churn score lives in the BI tool; reps want it where they work.",
                5,
            ),
            _Item("sales", "Which of my accounts pay late, per rep"),
            _Item("sales", "Win rate by lead source and region", effort=3),
            _Item(
                "sales",
                "Territory plan for the new Nordics region",
                dropped="A one-off planning exercise; Sales Ops does it and the data team "
                "answers its questions.",
            ),
            _Item("sales", "Quote-to-order conversion for quotes above 10k EUR", effort=5),
            _Item(
                "sales",
                "Cross-sell suggestions per key account",
                "Categories that other sites of the same buyer group order from us but this "
                "site doesn't.",
                20,
            ),
            # Customer Service Lead.
            _Item(
                "service",
                "Which suppliers cause the most 'where is my order' tickets",
                effort=3,
                block=delivery,
            ),
            _Item(
                "service",
                "Warn buyers before a delivery is late",
                "An email when the supplier misses the promised ship date, before the buyer calls.",
                10,
                block=delivery,
            ),
            _Item("service", "Top reasons customers contact us, by order stage"),
            _Item("service", "Weekly ticket volume forecast for staffing", effort=5),
            _Item("service", "First contact resolution rate by agent team", effort=3),
            _Item("service", "Satisfaction after ticket closure, by contact reason"),
            _Item(
                "service",
                "Chatbot conversation export",
                dropped="The chatbot vendor's dashboard covers it; no decision depends on it.",
            ),
            # Head of Marketing.
            _Item(
                "marketing",
                "Which campaigns bring buyers who reorder",
                "Asked in 2026-Q1 and 2026-Q2 as well.",
                8,
                block=roi,
            ),
            _Item("marketing", "Cost per acquired buyer by channel, monthly", effort=5, block=roi),
            _Item(
                "marketing",
                "Marketing-sourced pipeline by region, every week",
                effort=3,
                block=roi,
            ),
            _Item("marketing", "Trade fair and webinar leads through to first order", effort=5),
            _Item(
                "marketing",
                "Newsletter engagement by buyer segment",
                dropped="The email tool reports it already (dropped for the same reason in "
                "2025-Q4).",
            ),
            _Item("marketing", "Landing page conversion by campaign", effort=3),
            _Item("marketing", "Share of GMV from buyers acquired in the last 12 months", effort=3),
            # Head of Product.
            _Item(
                "product",
                "Searches with zero results and what buyers typed",
                effort=3,
                block=search,
            ),
            _Item(
                "product",
                "Why do buyers still contact us after checkout?",
                "The tracking page redesign shipped in April; did 'where is my order' contacts "
                "go down?",
                3,
            ),
            _Item(
                "product",
                "Search-to-order conversion by category",
                "Third quarter on our list.",
                8,
            ),
            _Item("product", "Reorder button usage by buyer segment", effort=3),
            _Item("product", "Time from first visit to first order for new buyers", effort=5),
            _Item(
                "product",
                "Feature adoption dashboard for the buyer app",
                dropped="The product analytics tool covers it and the product analyst owns it.",
            ),
            _Item("product", "Use of filters on search results"),
            # CFO.
            _Item(
                "cfo",
                "Bookings forecast for the Monday leadership meeting",
                effort=5,
                block=pulse,
            ),
            _Item(
                "cfo",
                "Return on marketing spend per channel",
                "Before approving the H2 marketing budget.",
            ),
            _Item("cfo", "Overdue invoices by account manager", effort=3),
            _Item(
                "cfo",
                "Take rate by category, month over month, with the reasons",
                effort=5,
            ),
            _Item("cfo", "Payment term mix vs. order growth", effort=8),
            _Item(
                "cfo",
                "Revenue cohort charts for the investor update",
                dropped="Once a year, built by hand in two days last time; not worth a block.",
            ),
            _Item("cfo", "Credit limit use per buyer", effort=5),
            # COO.
            _Item(
                "coo",
                "See open deals per sales region every Monday",
                "For the leadership meeting, where today three people bring three numbers.",
            ),
            _Item("coo", "Late shipments by supplier, weekly", effort=3, block=delivery),
            _Item(
                "coo",
                "Predicted late deliveries for tomorrow's orders",
                effort=10,
                block=delivery,
            ),
            _Item(
                "coo",
                "Cost to serve per order (delivery, service, payment)",
                "Needed to decide on the minimum order value.",
                15,
            ),
            _Item("coo", "Return rate by category and supplier", effort=5),
            _Item(
                "coo",
                "Daily GMV vs. budget in the morning email",
                dropped="Live in the BI tool since 2025-Q4; the email is a subscription "
                "setting, not a project.",
            ),
            _Item("coo", "Carrier performance by region", effort=5),
            # Head of Supplier Management.
            _Item(
                "suppliers",
                "On-time delivery rate shared with each supplier, monthly",
                "Supplier managers want to send it to suppliers, not only read it.",
                5,
                block=delivery,
            ),
            _Item(
                "suppliers",
                "Products buyers look for that we don't list",
                "Asked in 2026-Q2 too.",
                3,
                block=search,
            ),
            _Item("suppliers", "Suppliers whose catalog is less than 80% complete", effort=2),
            _Item("suppliers", "Suppliers with falling GMV over three months", effort=5),
            _Item("suppliers", "New supplier onboarding funnel", effort=5),
            _Item("suppliers", "Supplier scorecard: add the return rate", effort=3),
            _Item(
                "suppliers",
                "Take rate simulation for supplier renegotiations",
                dropped="Needs Finance's pricing model, which is being rebuilt this quarter; "
                "ask again for Q4.",
            ),
        ),
    )


SAMPLE_QUARTERS = (_q4_2025, _q1_2026, _q2_2026, _q3_2026)


def _fill_quarter(
    store: Store,
    clock: _Clock,
    spec: _Quarter,
    quarter_id: int,
    stakeholder_ids: dict[str, int | None],
) -> None:
    """Enter the lists, package and drop, and (for a past quarter) decide."""
    opens = _parse(spec.opens)
    ids: dict[int, int] = {}  # index in spec.items -> item id
    for day, owner in enumerate(_OWNERS):
        clock.jump(_workday(opens, day))
        for index, entry in enumerate(spec.items):
            if entry.owner == owner:
                change = store.add_item(
                    quarter_id, stakeholder_ids[owner], entry.title, entry.notes, entry.effort
                )
                assert change.item_id is not None
                ids[index] = change.item_id

    clock.jump(_workday(opens, len(_OWNERS) + 1, hour=10))
    block_ids: dict[str, int] = {}
    for block in spec.blocks:
        change = store.add_block(quarter_id, block.name, block.case, block.effort)
        assert change.block_id is not None
        block_ids[block.key] = change.block_id
    for index, entry in enumerate(spec.items):
        if entry.block is not None:
            store.move_item(ids[index], Place.block(block_ids[entry.block]))
    clock.jump(_workday(opens, len(_OWNERS) + 2, hour=10))
    for index, entry in enumerate(spec.items):
        if entry.dropped is not None:
            store.drop_item(ids[index], entry.dropped)

    if spec.event is not None:
        event = _parse(spec.event)
        if event < clock.now:
            raise ValueError(f"{spec.name}: the event is set before the lists are packaged.")
        clock.jump(event)
        store.start_meeting(quarter_id, backup=False)
        _vote(store, spec, quarter_id, stakeholder_ids, block_ids)
        for block in sorted(spec.blocks, key=lambda b: b.rank or 3):
            if block.rank is not None:
                store.choose_block(block_ids[block.key], block.rank)
        store.decide(quarter_id, spec.rationale, spec.attendees)


def _vote(
    store: Store,
    spec: _Quarter,
    quarter_id: int,
    stakeholder_ids: dict[str, int | None],
    block_ids: dict[str, int],
) -> None:
    """The dot vote of a past event: everyone who sent a list is present, with three
    dots; two go on the block holding most of their own items, one on the block that
    was chosen first (people vote for their needs, and for the company's)."""
    senders = [key for key, _, _ in STAKEHOLDERS if any(i.owner == key for i in spec.items)]
    store.set_attendance(quarter_id, [stakeholder_ids[key] or 0 for key in senders])
    first = next(b.key for b in spec.blocks if b.rank == 1)
    ranked = sorted(spec.blocks, key=lambda b: (b.rank or 3, spec.blocks.index(b)))
    dots: dict[str, dict[int, int]] = {}
    for key in senders:
        own: dict[str, int] = {}
        for item in spec.items:
            if item.owner == key and item.block is not None and item.dropped is None:
                own[item.block] = own.get(item.block, 0) + 1
        favourite = max(own, key=lambda k: own[k]) if own else first
        second = first if favourite != first else next(b.key for b in ranked if b.key != first)
        person = stakeholder_ids[key] or 0
        for block_key, count in ((favourite, 2), (second, 1)):
            dots.setdefault(block_key, {})[person] = dots.get(block_key, {}).get(person, 0) + count
    for block in spec.blocks:
        if block.key in dots:
            store.set_votes(block_ids[block.key], dict(dots[block.key]))
    store.set_meeting(quarter_id, tally_hidden=False)


def build_sample(path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write the sample board to `path` (refused if it exists, unless `overwrite`)."""
    specs = [make() for make in SAMPLE_QUARTERS]
    clock = _Clock(specs[0].opens)
    with _new_board(Path(path), overwrite, clock, specs[0].name) as store:
        stakeholder_ids: dict[str, int | None] = {"team": None}
        for key, name, department in STAKEHOLDERS:
            store.add_stakeholder(name, department)
            stakeholder_ids[key] = next(s.id for s in store.stakeholders() if s.name == name)
        quarter_id = store.quarter_by_name(specs[0].name).id
        store.edit_quarter(quarter_id, vision=VISION)  # the next quarters inherit it
        for index, spec in enumerate(specs):
            if index:
                clock.jump(_parse(spec.opens))
                change = store.create_quarter(spec.name)
                assert change.quarter_id is not None
                quarter_id = change.quarter_id
            _fill_quarter(store, clock, spec, quarter_id, stakeholder_ids)
        _seal(store, clock(), quarter_id, "Sample board built")


# ---------------------------------------------------------- synthetic boards

_ROLES = (
    ("Head of Sales", "Sales"),
    ("Key Account Lead", "Sales"),
    ("Sales Operations Manager", "Sales"),
    ("Customer Service Lead", "Service"),
    ("Returns Team Lead", "Service"),
    ("Head of Marketing", "Marketing"),
    ("Performance Marketing Lead", "Marketing"),
    ("Head of Product", "Product"),
    ("Search Product Manager", "Product"),
    ("Finance Controller", "Finance"),
    ("Credit Manager", "Finance"),
    ("Operations Manager", "Operations"),
    ("Logistics Lead", "Operations"),
    ("Supplier Manager", "Suppliers"),
    ("Category Manager", "Suppliers"),
    ("HR Business Partner", "People"),
)
_AREAS = (
    "DACH",
    "France",
    "Benelux",
    "Nordics",
    "Iberia",
    "Italy",
    "UK & Ireland",
    "Poland",
    "Central Europe",
    "Export",
    "Electrical",
    "Office Supplies",
    "Safety Equipment",
    "Packaging",
    "Tools",
)
_CADENCES = ("Daily", "Weekly", "Monthly", "Quarterly", "Live", "Year-to-date")
_MEASURES = (
    "GMV",
    "order count",
    "average order value",
    "take rate",
    "net revenue",
    "cancellation rate",
    "return rate",
    "on-time delivery rate",
    "ticket volume",
    "first response time",
    "overdue invoices",
    "days sales outstanding",
    "pipeline coverage",
    "win rate",
    "churned buyers",
    "reorder rate",
    "search conversion",
    "zero-result searches",
    "catalog completeness",
    "cost per acquired buyer",
    "campaign ROI",
    "active buyers",
    "new suppliers",
    "payment term mix",
)
_DIMENSIONS = (
    "region",
    "supplier",
    "supplier tier",
    "category",
    "sales rep",
    "account manager",
    "key account",
    "buyer segment",
    "channel",
    "campaign",
    "payment term",
    "carrier",
    "contact reason",
    "order stage",
    "country",
)
_AUDIENCES = (
    "",
    "",
    "",
    " for the Monday meeting",
    " in the board pack",
    " inside the CRM",
    " for account managers",
    " for supplier managers",
    " with a weekly alert",
    " vs. last year",
    " vs. budget",
)
_NOTES = (
    "Asked for in the last two planning rounds.",
    "Today rebuilt by hand in a spreadsheet every week.",
    "Needed before the budget review.",
    "Three teams calculate this differently today.",
    "A first version exists in the BI tool but nobody trusts it.",
    "Blocked until the CRM sync is fixed.",
)
_REASONS = (
    "The source tool already reports it.",
    "A one-off question; answered ad hoc instead.",
    "No decision depends on it this quarter.",
    "Covered by another item in a block.",
    "Needs data we do not collect yet.",
    "Too big for a list item; needs discovery first.",
)
_THEMES = (
    "Commercial pulse",
    "Key account health",
    "Supplier reliability",
    "Search and catalog",
    "Campaign ROI",
    "Working capital",
    "Service deflection",
    "Cost to serve",
    "Buyer retention",
    "Pricing and take rate",
    "Delivery promise",
    "Sales productivity",
)
_EFFORTS = (1, 2, 3, 5, 8, 10, 15, 20)


def _stakeholder_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    combos = [(f"{role}, {area}", dept) for role, dept in _ROLES for area in _AREAS]
    rng.shuffle(combos)
    names = combos[:count]
    for extra in range(len(names), count):  # more than the combinations: number them
        role, dept = combos[extra % len(combos)]
        names.append((f"{role} {extra // len(combos) + 1}", dept))
    return names


def _title(rng: random.Random) -> str:
    return (
        f"{rng.choice(_CADENCES)} {rng.choice(_MEASURES)} by {rng.choice(_DIMENSIONS)}"
        f"{rng.choice(_AUDIENCES)}"
    )


def generate_titles(count: int, seed: int = 0) -> list[str]:
    """`count` item titles in the generated boards' vocabulary (for a list to import)."""
    rng = random.Random(seed)
    return [_title(rng) for _ in range(count)]


def generate_board(
    path: str | os.PathLike[str],
    items: int,
    stakeholders: int = 60,
    blocks: int = 40,
    seed: int = 0,
    *,
    overwrite: bool = False,
) -> None:
    """Write a synthetic board: one quarter being prepared, `stakeholders` lists,
    `blocks` blocks and `items` items (about a third in blocks, a tenth dropped).

    Rows go in with `executemany` in one transaction: 10,000 items take well under a
    second, where one `add_item` each would fsync 10,000 times.
    """
    if items < 0 or stakeholders < 0 or blocks < 0:
        raise ValueError("items, stakeholders and blocks can't be negative.")
    rng = random.Random(seed)
    clock = _Clock("2026-06-01T08:00:00Z", step_minutes=1)
    with _new_board(Path(path), overwrite, clock, SAMPLE_QUARTER) as store:
        quarter_id = store.quarter_by_name(SAMPLE_QUARTER).id
        conn = store.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            _insert_synthetic(conn, clock, rng, quarter_id, items, stakeholders, blocks)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        _seal(store, clock(), quarter_id, f"Synthetic board generated ({items} items)")


def _insert_synthetic(
    conn: sqlite3.Connection,
    clock: _Clock,
    rng: random.Random,
    quarter_id: int,
    items: int,
    stakeholders: int,
    blocks: int,
) -> None:
    names = _stakeholder_names(stakeholders, rng)
    conn.executemany(
        "INSERT INTO stakeholders (id, name, department, created_at) VALUES (?, ?, ?, ?)",
        [(i + 1, name, dept, clock()) for i, (name, dept) in enumerate(names)],
    )
    conn.executemany(
        "INSERT INTO blocks (id, quarter_id, name, description, effort, position, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                b + 1,
                quarter_id,
                f"{rng.choice(_THEMES)} {b + 1}",
                f"Serves the vision by putting {rng.choice(_MEASURES)} by "
                f"{rng.choice(_DIMENSIONS)} in front of the people who decide on it.",
                rng.choice((None, *_EFFORTS[3:])),
                b,
                clock(),
            )
            for b in range(blocks)
        ],
    )
    # Some lists are longer than others, as in real planning rounds.
    owners: list[int | None] = [None, *range(1, stakeholders + 1)]
    weights = [max(3.0, stakeholders / 4), *(rng.uniform(0.5, 2.0) for _ in range(stakeholders))]
    list_next: dict[int | None, int] = {}
    place_next: dict[int | None, int] = {}  # block id, or None for the dropped area
    base = _parse(clock())
    rows = []
    for i in range(items):
        owner = rng.choices(owners, weights)[0]
        position = list_next.get(owner, 0)
        list_next[owner] = position + 1
        roll = rng.random()
        block_id: int | None = None
        status, reason, place_position = "open", None, None
        if blocks and roll < 1 / 3:
            block_id = rng.randrange(blocks) + 1
        elif roll > 0.9:
            status, reason = "dropped", rng.choice(_REASONS)
        if block_id is not None or status == "dropped":
            place_position = place_next.get(block_id, 0)
            place_next[block_id] = place_position + 1
        rows.append(
            (
                i + 1,
                quarter_id,
                owner,
                _title(rng),
                rng.choice(_NOTES) if rng.random() < 0.2 else "",
                rng.choice(_EFFORTS) if rng.random() < 0.4 else None,
                block_id,
                status,
                reason,
                position,
                place_position,
                (base + timedelta(seconds=17 * i)).strftime(_ISO),
            )
        )
    conn.executemany(
        "INSERT INTO items (id, quarter_id, stakeholder_id, title, notes, effort, block_id, "
        "status, drop_reason, position, place_position, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    clock.jump(base + timedelta(seconds=17 * items))
