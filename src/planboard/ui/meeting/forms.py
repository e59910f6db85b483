"""The event's forms: the setup, the dots on a block, and the decision."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ...core.model import Block, Change
from ...core.text import clean_line, name_order
from ..modals import Field, FormModal

if TYPE_CHECKING:
    from .screen import MeetingScreen


def ask_setup(screen: MeetingScreen) -> None:
    """The event's setup: who is here, dots per person, the timebox, a hidden tally."""
    if not screen.has_meeting() or screen.meeting is None or not screen._writable():
        return
    people = screen.store.stakeholders(screen.quarter_id)
    present = set(screen.store.attendance(screen.quarter_id))
    meeting = screen.meeting

    def submit(values: dict[str, Any]) -> str | None:
        # Revealing is asked first, as `r` does: the dots cannot be unseen.
        reveal = meeting.tally_hidden and not values["hidden"]
        refused = screen.form_op(
            lambda: screen.store.set_meeting(
                screen.quarter_id,
                present=values["present"],
                dot_budget=values["dots"],
                timebox_minutes=values["minutes"],
                tally_hidden=None if reveal else values["hidden"],
            )
        )
        if refused is None and reveal:
            screen.app.call_later(screen.action_reveal)
        return refused

    screen.app.push_screen(
        FormModal(
            "The event",
            [
                Field(
                    "present",
                    "Who is here (↑ ↓ to move, Space to tick, Tab to go on)",
                    sorted(present),
                    kind="choices",
                    options=[(p.name, p.id) for p in people],
                ),
                Field("dots", "Dots per person", meeting.dot_budget, kind="number"),
                Field("minutes", "Timebox (minutes)", meeting.timebox_minutes, kind="number"),
                Field(
                    "hidden",
                    "Keep the tally hidden until revealed",
                    meeting.tally_hidden,
                    kind="switch",
                ),
            ],
            submit,
        )
    )


def ask_dots(screen: MeetingScreen) -> None:
    """The dots each person present put on the selected block."""
    card = screen.card
    if card is None or not screen.has_meeting() or screen.meeting is None:
        return
    if not screen._writable():
        return
    present = screen.store.attendance(screen.quarter_id)
    if not present:
        screen.say("Nobody is marked present yet: press a to say who is here.", error=True)
        return
    people = {s.id: s for s in screen.store.stakeholders()}
    tally = screen.store.votes(screen.quarter_id)
    budget = screen.meeting.dot_budget
    block = card.block
    fields = []
    hidden = screen.meeting.tally_hidden
    # By name, not in the order people were ticked: easy to find at a glance.
    present = sorted((s for s in present if s in people), key=lambda s: name_order(people[s].name))
    for sid in present:
        used = sum(v.get(sid, 0) for bid, v in tally.items() if bid != block.id)
        left = budget - used - card.votes.get(sid, 0)
        # With the tally hidden, the shared screen shows nobody's dots, here or
        # elsewhere: every field starts blank, and blank keeps what is there (the
        # budget is still enforced when saving).
        value: int | str = ""
        if hidden:
            label = f"{people[sid].name}  ({budget} dots in all)"
        else:
            label = f"{people[sid].name}  ({left} of {budget} left; up to {budget - used} here)"
            value = card.votes.get(sid) or ""
        fields.append(Field(f"s{sid}", label, value, kind="number"))

    def submit(values: dict[str, Any]) -> str | None:
        dots = {
            int(name[1:]): value
            for name, value in values.items()
            if not (hidden and not str(value or "").strip())  # (spaces are blank too)
        }
        if not dots:
            return "Type someone's dots on this block (0 takes them back)."
        return screen.form_op(
            lambda: screen.store.set_votes(block.id, dots),
            then=partial(_recorded, screen, block.name, hidden),
        )

    screen.app.push_screen(
        FormModal(
            f"Dots on “{clean_line(block.name)}”",
            fields,
            submit,
            save_label="Record",
            intro=(
                "The tally is hidden: a blank field keeps what that person placed here; "
                "a number replaces it, 0 takes it back."
                if hidden
                else ""
            ),
        )
    )


def _recorded(screen: MeetingScreen, name: str, hidden: bool, change: Change) -> None:
    """Dots saved: said as any vote is while the tally is hidden ("Nothing to change"
    would tell the room that the dots typed are those already placed)."""
    if hidden and change.event_id is None:
        change = change.replaced(summary=f"Dots recorded on “{name}”", action="vote", blocks=True)
    screen.after(change)


CUT_OFF_NAMED = 6  # stakeholders the decision form names as cut off; the rest counted


def _decision_texts(screen: MeetingScreen, chosen: list[Block]) -> tuple[str, str]:
    """The decision form's title (the choices, in order) and its line on whom the
    choice cuts off, as the file holds them now."""
    names = "; ".join(
        f"{b.choice}. {clean_line(b.name)}" for b in sorted(chosen, key=lambda b: b.choice or 0)
    )
    # Who this choice leaves out, while it can still change.
    cut = screen.store.cut_off(screen.quarter_id, pending=True)
    if not cut:
        return names, "Every stakeholder who sent a list has an item in a chosen block."
    named = [
        clean_line(c.stakeholder.name)
        + (f", {c.streak} quarters in a row with this one" if c.streak > 1 else "")
        for c in cut[:CUT_OFF_NAMED]
    ]
    if len(cut) > CUT_OFF_NAMED:  # (the form must still fit; the summary lists all)
        named.append(f"and {len(cut) - CUT_OFF_NAMED} more, listed once it is decided")
    return names, "Cut off by this choice (none of their items in a chosen block): " + "; ".join(
        named
    )


def ask_decision(screen: MeetingScreen) -> None:
    """Confirm the decision: why, and who was there; says whom it cuts off."""
    if not screen._writable():
        return
    chosen = [c.data.block for c in screen.cards if c.data.block.choice]
    if not chosen:
        screen.say("Choose one or two blocks first: 1 and 2 on a card.", error=True)
        return
    refused = screen.store.why_not_decide(screen.quarter_id)  # (before the rationale is typed)
    if refused:
        screen.say(refused, error=True)
        return
    here = set(screen.store.attendance(screen.quarter_id))
    present = ", ".join(s.name for s in screen.store.stakeholders() if s.id in here)
    names, intro = _decision_texts(screen, chosen)
    shown = [(b.id, int(b.choice or 0)) for b in chosen]  # (what is confirmed: no other)

    def submit(values: dict[str, Any]) -> str | None:
        refused = screen.form_op(
            lambda: screen.store.decide(
                screen.quarter_id, values["rationale"], values["attendees"], shown=shown
            )
        )
        if refused is None and screen.quarter is not None and screen.quarter.is_decided:
            screen.app.call_later(screen._show_decision)
        elif refused is not None and "changed since the form showed them" in refused:
            # (what the refusal names is what a second Ctrl+S confirms, and the form
            # says it: its title and whom it cuts off)
            now = [b for b in screen.store.blocks(screen.quarter_id) if isinstance(b.choice, int)]
            shown[:] = [(b.id, int(b.choice or 0)) for b in now]
            names_now, intro_now = _decision_texts(screen, now)
            form.retitle(f"Confirm the decision: {names_now}", intro_now)
        return refused

    form = FormModal(
        f"Confirm the decision: {names}",
        [
            Field("rationale", "Why these? (required)", "", kind="text", height=4),
            Field("attendees", "Who was there", present),
        ],
        submit,
        save_label="Confirm",
        intro=intro,
    )
    screen.app.push_screen(form)
