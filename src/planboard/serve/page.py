"""The attendee's page, as HTML built from a `LiveView`.

Every piece of user text goes through `html.escape` (quotes included) and nothing else
builds markup from it: a title reading `<script>` shows as those characters. The page
loads only its own stylesheet and script (the Content-Security-Policy forbids anything
else), and the script renders what the server sends without ever evaluating it.
"""

from __future__ import annotations

import html
import time
from urllib.parse import quote

from ..core.clock import utc_day
from ..core.live import LiveBlock, LiveView
from ..core.model import MAX_NOTES
from ..core.text import clean_line

STATUS_LABELS = {"preparing": "Preparing", "live": "Live", "decided": "Decided"}


ALIVE_SECONDS = 15.0  # the live channel says it is alive at least this often
LONGEST = 20 * MAX_NOTES  # characters of one text shown: far past what planboard writes


def _cut(text: str) -> str:
    """A text another program wrote longer than any planboard writes, cut and said to be
    (a 50 MB title went whole into every attendee's page, and the server's memory)."""
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"


def esc(text: object) -> str:
    return html.escape(_cut(str(text)), quote=True)


def _plural(count: object, word: str) -> str:
    """`3 dots`; the count is escaped too (a number column may hold text another
    program wrote)."""
    return f"{esc(count)} {word}{'' if count == 1 else 's'}"


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _effort(value: float | None) -> str:
    if value is None:
        return ""
    try:
        return f"{float(value):g} days"
    except (TypeError, ValueError):  # written by another program
        return f"{value} days"


def _paragraphs(text: str, css: str) -> str:
    lines = [line.strip() for line in _cut(text).split("\n") if line.strip()]
    return "".join(f'<p class="{css}">{esc(line)}</p>' for line in lines)


def _items(block: LiveBlock) -> str:
    if not block.items:
        return '<p class="muted">No items yet.</p>'
    rows = "".join(
        f'<li><span class="title">{esc(item.title)}</span> '
        f'<span class="owner">{esc(item.owner)}</span></li>'
        for item in block.items
    )
    return f'<ul class="items">{rows}</ul>'


def _size(block: LiveBlock) -> str:
    size = _plural(len(block.items), "item")
    if block.effort is not None:
        size += f" · {_effort(block.effort)}"
    return size


def _dots(block: LiveBlock) -> str:
    """The dots on a block: only ever called with a revealed tally (a hidden one is not
    in the view at all)."""
    if block.dots is None:
        return ""
    votes = ", ".join(f"{esc(name)} {esc(dots)}" for name, dots in block.votes or [])
    bar = "●" * min(block.dots, 30) or "—"
    detail = f' <span class="who">({votes})</span>' if votes else ""
    return (
        f'<p class="row"><span class="label">Dots</span> <span class="dots">'
        f'<span class="bar" aria-hidden="true">{bar}</span> {esc(block.dots)}</span>{detail}</p>'
    )


def _card(block: LiveBlock, *, live: bool, numbered: bool = True) -> str:
    """A block's card; `numbered`: with its place on the board (not among the chosen
    blocks of a decided quarter, where it read as a second number beside the choice)."""
    badge = ""
    rank = block.chosen_rank or block.choice
    if rank:
        # Said as the terminal says it: beside the block's number, "★ 1" read as a second
        # number ("2 Campaign ROI ★ 1").
        badge = f' <span class="star">★ Choice {esc(rank)}</span>'
    classes = "card chosen" if rank else "card"
    case = (
        _paragraphs(block.case, "case")
        if block.case
        else '<p class="case muted">(no case written)</p>'
    )
    served = ", ".join(esc(name) for name in block.served) or "nobody yet"
    num = f'<span class="num">{esc(block.number)}</span> ' if numbered else ""
    parts = [
        f'<article class="{classes}" data-block="{int(block.id)}">',
        f'<h2>{num}<span class="name">{esc(block.name)}</span>{badge}</h2>',
        case,
        f'<p class="row"><span class="label">Size</span> {esc(_size(block))}</p>',
        f'<p class="row"><span class="label">For</span> {served}</p>',
    ]
    if live:
        parts.append(_dots(block))
        parts.append(
            f"<details><summary>{esc(_plural(len(block.items), 'item'))}</summary>"
            f"{_items(block)}</details>"
        )
    else:
        parts.append(_items(block))
    parts.append("</article>")
    return "".join(parts)


def _timer(view: LiveView, now: float) -> str:
    timer = view.timer
    if timer is None:
        return ""
    state = "running" if timer.running else "paused"
    if timer.running:
        ends = round((now + timer.left) * 1000)
        data = f'data-ends="{ends}"'
    else:
        data = f'data-left="{timer.left:.1f}"'
    if timer.left <= 0 and timer.running:  # (paused at no time left: paused, as on screen)
        state = "time is up"
    level = "alarm" if timer.left <= 60 else "warn" if timer.left <= 300 else "calm"
    return (
        f'<span class="timer {level}" {data}><span class="label">Time</span> '
        f'<span class="clock">{_clock(timer.left)}</span> '
        f'<span class="state">{state}</span></span>'
    )


def _head(view: LiveView, now: float) -> str:
    status = view.status if view.status in STATUS_LABELS else "preparing"
    parts = [
        '<header class="head">',
        '<span class="brand">planboard</span>',
        f'<h1 class="quarter">{esc(view.quarter)}</h1>',
        f'<span class="badge {status}">{STATUS_LABELS[status]}</span>',
    ]
    if view.status == "live":
        parts.append(_timer(view, now))
        parts.append(
            f'<span class="facts">{_plural(view.dot_budget, "dot")} each'
            f"{' · tally hidden' if view.tally_hidden else ''}</span>"
        )
    parts.append("</header>")
    vision = esc(view.vision) if view.vision else '<span class="muted">No vision written.</span>'
    parts.append(f'<section class="vision"><span class="label">Vision</span> {vision}</section>')
    return "".join(parts)


def _present(view: LiveView) -> str:
    names = ", ".join(esc(name) for name in view.present) or "nobody marked yet"
    return (
        f'<p class="present"><span class="label">Present ({len(view.present)})</span> {names}</p>'
    )


def _preparing(view: LiveView) -> str:
    facts = [_plural(len(view.blocks), "block")]
    if view.loose:
        facts.append(f"{_plural(view.loose, 'request')} still on the lists")
    if view.dropped:
        facts.append(f"{esc(view.dropped)} dropped")
    cards = "".join(_card(block, live=False) for block in view.blocks)
    body = cards or '<p class="muted">No blocks yet.</p>'
    return f'<p class="facts">{" · ".join(facts)}</p><div class="cards">{body}</div>'


def _live(view: LiveView) -> str:
    cards = "".join(_card(block, live=True) for block in view.blocks)
    body = cards or '<p class="muted">No blocks yet.</p>'
    return f'{_present(view)}<div class="cards">{body}</div>'


def _decided(view: LiveView) -> str:
    day = utc_day(view.decided_at)  # (in UTC, as every export: "" if it is no time)
    when = f" on {esc(day)}" if day else ""
    out = [f'<p class="facts">Decided{when}.</p>', '<section class="summary">']
    out.append("<h2>Chosen</h2>")
    if view.chosen:
        out.append('<div class="cards">')
        out += [_card(block, live=False, numbered=False) for block in view.chosen]
        out.append("</div>")
    else:
        out.append('<p class="muted">Nothing was chosen.</p>')
    out.append("<h2>Why</h2>")
    out.append(_paragraphs(view.rationale, "rationale") or '<p class="muted">—</p>')
    if view.attendees or view.present:
        who = esc(view.attendees) if view.attendees else ", ".join(esc(n) for n in view.present)
        out.append(f'<p class="row"><span class="label">With</span> {who}</p>')
    out.append("<h2>Not chosen</h2>")
    if view.not_chosen:
        rows = "".join(
            f'<li><span class="name">{esc(b.name)}</span> '
            f'<span class="muted">{esc(_size(b))}</span></li>'
            for b in view.not_chosen
        )
        out.append(f'<ul class="plain">{rows}</ul>')
    else:
        out.append('<p class="muted">Every block was chosen.</p>')
    out.append("<h2>Cut off this quarter</h2>")
    if view.cut_off:
        rows = "".join(
            f'<li><span class="name">{esc(c.name)}</span> '
            f'<span class="muted">{_plural(c.items, "request")}'
            f"{f' · {esc(c.streak)} quarters in a row' if c.streak >= 2 else ''}</span></li>"
            for c in view.cut_off
        )
        out.append(f'<ul class="plain cut">{rows}</ul>')
    else:
        out.append('<p class="muted">Nobody: every stakeholder has something chosen.</p>')
    out.append("</section>")
    return "".join(out)


def fragment(view: LiveView, now: float | None = None) -> str:
    """The page's changing part (everything inside `<main>`)."""
    now = time.time() if now is None else now
    if view.status == "live":
        body = _live(view)
    elif view.status == "decided":
        body = _decided(view)
    else:
        body = _preparing(view)
    return _head(view, now) + body


def problem(message: str) -> str:
    """Shown above the last good page when the file can't be read right now."""
    return f'<p class="problem">{esc(message)}</p>'


def refused() -> str:
    """The page an address with a missing or wrong token gets (401): what to do, at a
    size a phone shows (the facilitator's words, as a line of text, were unreadable).
    No style: the page's own needs the token, and the policy allows no other."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        "<title>planboard</title>"
        "</head><body><h1>This link does not open the board</h1>"
        "<p>Its token is missing or no longer the board's. Ask the facilitator for the "
        "address planboard shows now (it ends with <code>?token=…</code>).</p>"
        "</body></html>\n"
    )


def tab_title(name: str) -> str:
    """The page's title, the browser tab's name: the board file's name as the terminal
    prints it (no bidi override turning it round), and planboard's."""
    return f"{clean_line(name)} · planboard"


def document(
    content: str,
    *,
    title: str,
    token: str = "",
    now: float | None = None,
    board: str = "",
) -> str:
    """The whole page around `content` (a `fragment`). The token, when the server needs
    one, is added to the assets' addresses (the live channel takes it from the page's own
    address). The page is told how often the live channel says it is alive, at the
    least (`ALIVE_SECONDS`): one that hears nothing for three times that starts over."""
    now = time.time() if now is None else now
    query = f"?token={esc(quote(token, safe=''))}" if token else ""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="color-scheme" content="dark">'
        f"<title>{esc(title)}</title>"
        '<link rel="icon" href="data:,">'
        f'<link rel="stylesheet" href="/assets/page.css{query}">'
        f'<script src="/assets/page.js{query}" defer></script>'
        "</head><body>"
        '<div id="link" class="link" role="status" aria-live="polite">connecting…</div>'
        f'<main id="board" data-now="{round(now * 1000)}" data-board="{esc(board)}" '
        f'data-alive="{round(ALIVE_SECONDS * 1000)}">'
        f"{content}</main>"
        '<footer class="foot">Read-only · updates by itself</footer>'
        "</body></html>\n"
    )
