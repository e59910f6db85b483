"""The quarter as a self-contained HTML page. Every piece of user text is escaped."""

from __future__ import annotations

import html

from ..outcome import BlockOutcome, Outcome
from ..text import clean_line, clean_multiline, plural
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

_STYLE = """\
body { margin: 0; background: #fafaf7; color: #1f2328;
  font: 17px/1.6 Georgia, "Times New Roman", serif; }
main { max-width: 42rem; margin: 0 auto; padding: 2.5rem 1.25rem 4rem; }
h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  line-height: 1.25; }
h1 { font-size: 2rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 .5rem; border-bottom: 1px solid #d8d8d0;
  padding-bottom: .25rem; }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
.lead { color: #57606a; font-style: italic; }
.notice { background: #fff4d6; border-left: 4px solid #d29922; padding: .75rem 1rem; }
.facts { color: #57606a; font-size: .9rem; margin: .25rem 0; }
.owner { color: #57606a; }
.rank { color: #8250df; }
ul { padding-left: 1.25rem; }
li { margin: .2rem 0; }
"""


def _h(text: str | None) -> str:
    """One line of user text, escaped for HTML."""
    return html.escape(clean_line(text), quote=True)


def _h_block(text: str | None) -> str:
    """Several lines of user text as escaped paragraphs (a blank line separates them)."""
    paragraphs: list[list[str]] = [[]]
    for line in clean_multiline(text).split("\n"):
        if line.strip():
            paragraphs[-1].append(html.escape(line.strip(), quote=True))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n".join(f"<p>{'<br>'.join(lines)}</p>" for lines in paragraphs if lines)


def _html(result: Outcome) -> str:
    quarter = result.quarter
    decided = quarter.is_decided
    title = _h(_title(quarter.name))
    out = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
        f"<style>\n{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{title}</h1>",
    ]
    if decided:
        out.append(f'<p class="lead">{_h(_decided_line(result))}</p>')
    else:
        out.append(
            f'<p class="notice"><strong>{_h(_not_decided(result))}</strong> The blocks below '
            "are proposals: the stakeholders choose one or two of them at the planning "
            "event.</p>"
        )
    out.append("</header>")
    if clean_multiline(quarter.vision):
        out += ["<section>", "<h2>Our vision</h2>", _h_block(quarter.vision), "</section>"]
    out += _decided(result) if decided else _proposals(result)
    out += _dropped(result, decided)
    if decided:
        out += _cut_off(result)
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _block(result: Outcome, entry: BlockOutcome, heading: str) -> list[str]:
    out = ["<article>", heading]
    if clean_multiline(entry.block.description):
        out.append(_h_block(entry.block.description))
    facts = " · ".join(_h(f) for f in _block_facts(entry, result.tally_hidden))
    owners = _owners(entry)
    if owners:
        facts += " · asked by " + ", ".join(_h(o) for o in owners)
    out.append(f'<p class="facts">{facts}</p>')
    if entry.items:
        out.append("<ul>")
        for item in entry.items:
            also = "".join(
                f'<li>also asked as {_h(asked.title)} <span class="owner">— '
                f"{_h(result.owner(asked))}</span></li>"
                for asked in entry.merged.get(item.id, ())
            )
            out.append(
                f'<li>{_h(item.title)} <span class="owner">— {_h(result.owner(item))}</span>'
                + (f"<ul>{also}</ul>" if also else "")
                + "</li>"
            )
        out.append("</ul>")
    out.append("</article>")
    return out


def _decided(result: Outcome) -> list[str]:
    out = ["<section>", "<h2>What we will do</h2>"]
    if not result.chosen:
        out.append("<p>No block was chosen.</p>")
    for entry in result.chosen:
        out += _block(
            result,
            entry,
            f'<h3><span class="rank">{entry.block.chosen_rank}.</span> {_h(entry.block.name)}</h3>',
        )
    out.append("</section>")
    out += ["<section>", "<h2>Why</h2>"]
    if result.decision:
        out.append(_h_block(result.decision.rationale))
    present = _present(result)
    if clean_multiline(present):
        lines = "<br>".join(
            html.escape(line.strip(), quote=True)
            for line in clean_multiline(present).split("\n")
            if line.strip()
        )
        out.append(f"<p><strong>Who was there:</strong> {lines}</p>")
    out.append("</section>")
    out += ["<section>", "<h2>What we will not do this quarter</h2>"]
    if not result.not_chosen:
        out.append("<p>Every block was chosen.</p>")
    else:
        out.append("<ul>")
        for entry in result.not_chosen:
            facts = plural(len(entry.items), "item")
            owners = _owners(entry)
            if owners:
                facts += "; asked by " + ", ".join(owners)
            out.append(f"<li><strong>{_h(entry.block.name)}</strong> ({_h(facts)})</li>")
        out.append("</ul>")
    loose = _loose_line(result, True)
    if loose:
        out.append(f"<p>{_h(loose)}</p>")
    out.append("</section>")
    return out


def _proposals(result: Outcome) -> list[str]:
    out = ["<section>", "<h2>The proposals</h2>"]
    if not result.chosen and not result.not_chosen:
        out.append("<p>No block yet.</p>")
    for entry in sorted(result.chosen + result.not_chosen, key=lambda b: b.block.position):
        rank = f" (choice {entry.block.choice} so far)" if entry.block.choice else ""
        out += _block(result, entry, f"<h3>{_h(entry.block.name)}{rank}</h3>")
    present = _present(result)
    if present:
        out.append(f"<p><strong>Present so far:</strong> {_h(present)}</p>")
    loose = _loose_line(result, False)
    if loose:
        out.append(f"<p>{_h(loose)}</p>")
    out.append("</section>")
    return out


def _dropped(result: Outcome, decided: bool) -> list[str]:
    out = ["<section>", f"<h2>{'What we dropped' if decided else 'Dropped so far'}, and why</h2>"]
    if not result.dropped:
        out.append("<p>Nothing was dropped.</p>")
    else:
        out.append("<ul>")
        for item in result.dropped:
            reason = _h(item.drop_reason) or "no reason given"
            out.append(
                f"<li><strong>{_h(item.title)}</strong> "
                f'<span class="owner">({_h(result.owner(item))})</span>: {reason}</li>'
            )
        out.append("</ul>")
    out.append("</section>")
    return out


def _cut_off(result: Outcome) -> list[str]:
    out = ["<section>", "<h2>Who gets nothing this quarter</h2>"]
    if not result.cut_off:
        out.append(
            "<p>Nobody: every stakeholder who sent a list has an item in a chosen block.</p>"
        )
    else:
        out.append("<ul>")
        for cut in result.cut_off:
            streak = _streak(cut.streak)
            out.append(
                f"<li><strong>{_h(cut.stakeholder.name)}</strong>: "
                f"{plural(cut.items, 'item')}, none chosen"
                + (f"; cut off {streak}" if streak else "")
                + "</li>"
            )
        out.append("</ul>")
    out.append("</section>")
    return out
