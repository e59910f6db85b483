"""The quarter as a short newsletter in Markdown."""

from __future__ import annotations

from ..outcome import BlockOutcome, Outcome, md, md_block
from ..text import clean_multiline, plural
from .facts import (
    _block_facts,
    _decided_line,
    _loose_line,
    _not_decided,
    _owners,
    _present,
    _streak,
    _title,
)


def _markdown(result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    out = [f"# {md(_title(quarter.name))}", ""]
    if decided:
        out += [f"*{md(_decided_line(result))}*", ""]
    else:
        out += [
            f"**{md(_not_decided(result))}** The blocks below are proposals: the "
            "stakeholders choose one or two of them at the planning event.",
            "",
        ]
    if clean_multiline(quarter.vision):
        out += ["## Our vision", "", md_block(quarter.vision), ""]
    if decided:
        out += _decided(result)
    else:
        out += _proposals(result)
    loose = _loose_line(result, decided)
    if loose:
        out += [md(loose), ""]
    out += _dropped(result, decided)
    if decided:
        out += _cut_off(result)
    return "\n".join(out).rstrip("\n") + "\n"


def _block(result: Outcome, entry: BlockOutcome, heading: str) -> list[str]:
    out = [heading, ""]
    if clean_multiline(entry.block.description):
        out.extend([md_block(entry.block.description), ""])
    facts = " · ".join(md(f) for f in _block_facts(entry, result.tally_hidden))
    owners = _owners(entry)
    if owners:
        facts += " · asked by " + ", ".join(md(o) for o in owners)
    out.extend([f"*{facts}*", ""])
    for item in entry.items:
        out.append(f"- {md(item.title)} — {md(result.owner(item))}")
        # (Requests merged into it, in their own words: whoever asked finds theirs.)
        out += [
            f"  - also asked as {md(asked.title)} — {md(result.owner(asked))}"
            for asked in entry.merged.get(item.id, ())
        ]
    if entry.items:
        out.append("")
    return out


def _decided(result: Outcome) -> list[str]:
    out = ["## What we will do", ""]
    if not result.chosen:
        out += ["No block was chosen.", ""]
    for entry in result.chosen:
        out += _block(result, entry, f"### {entry.block.chosen_rank}. {md(entry.block.name)}")
    if result.decision:
        out += ["## Why", "", md_block(result.decision.rationale), ""]
    present = _present(result)
    if clean_multiline(present):
        out += [f"**Who was there:** {md_block(present)}", ""]
    out += ["## What we will not do this quarter", ""]
    if not result.not_chosen:
        out += ["Every block was chosen.", ""]
    else:
        for entry in result.not_chosen:
            facts = plural(len(entry.items), "item")
            owners = _owners(entry)
            if owners:
                facts += "; asked by " + ", ".join(owners)
            out.append(f"- **{md(entry.block.name)}** ({md(facts)})")
        out.append("")
    return out


def _proposals(result: Outcome) -> list[str]:
    out = ["## The proposals", ""]
    if not result.chosen and not result.not_chosen:
        out += ["No block yet.", ""]
    for entry in sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position):
        rank = f" (choice {entry.block.choice} so far)" if entry.block.choice else ""
        out += _block(result, entry, f"### {md(entry.block.name)}{rank}")
    present = _present(result)
    if present:
        out += [f"**Present so far:** {md(present)}", ""]
    return out


def _dropped(result: Outcome, decided: bool) -> list[str]:
    out = ["## What we dropped, and why" if decided else "## Dropped so far, and why", ""]
    if not result.dropped:
        return [*out, "Nothing was dropped.", ""]
    for item in result.dropped:
        reason = md(item.drop_reason or "") or "no reason given"
        out.append(f"- **{md(item.title)}** ({md(result.owner(item))}): {reason}")
    out.append("")
    return out


def _cut_off(result: Outcome) -> list[str]:
    out = ["## Who gets nothing this quarter", ""]
    if not result.cut_off:
        return [
            *out,
            "Nobody: every stakeholder who sent a list has an item in a chosen block.",
            "",
        ]
    for cut in result.cut_off:
        line = f"- **{md(cut.stakeholder.name)}**: {plural(cut.items, 'item')}, none chosen"
        streak = _streak(cut.streak)
        out.append(line + (f"; cut off {streak}" if streak else ""))
    out.append("")
    return out
