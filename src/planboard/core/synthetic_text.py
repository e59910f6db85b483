"""The words of the synthetic boards (for benchmarks): stakeholder roles, report titles
made of a cadence, a measure, a dimension and an audience, notes, drop reasons, block
themes. Plausible and meaningless, so a board of any size can be generated."""

from __future__ import annotations

import random

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
