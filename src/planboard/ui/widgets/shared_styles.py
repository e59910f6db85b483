"""The columns' component styles, worked out once for every column in the same look.

Textual styles each component class of a widget as a node of its own under it, each
time it styles the widget: a column's eleven (its header, cursor, tags…) for each of
the four columns before the first frame (twice: as they are mounted, and as the screen
shows), and again for two columns at each focus change. Their styles differ only with
what the rules for them look at: the rules themselves (a theme), and the types and
classes of the column and of the nodes above it. So they are worked out once for each
such look, under the first column styled in it, and every column in that look takes
them (`SharedComponentStyles`, which `BoardList` is)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING

from textual.css.model import RuleSet, SelectorType
from textual.css.styles import RenderStyles
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widget import Widget

if TYPE_CHECKING:
    _Widget = Widget
else:
    _Widget = object  # (a mixin: the widget class is the one it is mixed into)


class SharedComponentStyles(_Widget):
    """A widget that takes the component styles worked out for every widget of its
    type in its look, instead of having Textual style them under it each time."""

    def _get_component_classes(self) -> frozenset[str]:  # type: ignore[override]
        """The component classes for Textual to style under this widget: none when it
        took those of its look (`take_shared_styles`)."""
        return take_shared_styles(self, super()._get_component_classes())


# The style sheet's rules the styles were worked out from, whether those rules let
# columns share them, and the styles by look.
_shared: tuple[list[RuleSet] | None, bool, dict[Hashable, dict[str, RenderStyles]]] = (
    None,
    False,
    {},
)


def take_shared_styles(column: Widget, names: frozenset[str]) -> frozenset[str]:
    """The component classes `names` of `column` for Textual to style under it: none
    when it took those worked out for its look (then as Textual would: the column
    drawn again if they changed), all of them when columns do not share them."""
    shared = shared_component_styles(column, names)
    if shared is None:
        return names
    changed = any(column._component_styles.get(n) != s for n, s in shared.items())
    column._component_styles = dict(shared)  # (a copy: Textual empties it at unmount)
    if changed:
        column.refresh()
    return frozenset()


def shared_component_styles(
    column: Widget, names: frozenset[str]
) -> dict[str, RenderStyles] | None:
    """The component styles `names` of any column in `column`'s look (worked out now,
    under `column`, if none is yet); None when a rule for them looks at an id or a
    state (focus, hover…) of a node above them, which columns do not share."""
    global _shared
    app = column.app
    sheet = app.stylesheet
    rules = sheet.rules
    held, shareable, by_look = _shared
    if held is not rules:
        shareable, by_look = _shareable(sheet, names), {}
        _shared = (rules, shareable, by_look)
    if not shareable:
        return None
    look = (
        app.theme,
        *((node._css_type_name, node.classes) for node in column.ancestors_with_self),
    )
    found = by_look.get(look)
    if found is None:
        found = {}
        for name in sorted(names):  # (as Textual works them out)
            virtual = DOMNode(classes=name)
            virtual._attach(column)
            sheet.apply(virtual, animate=False)
            found[name] = virtual.styles
        by_look[look] = found
    return found


def _shareable(sheet: Stylesheet, names: Iterable[str]) -> bool:
    """Whether the rules that can style these component classes (those for the classes,
    for any node, and for a bare `DOMNode`, which they are styled as) look only at the
    types and classes of the nodes above them: no id there, no state (`BoardList:focus >
    .board-list--cursor` would make the focused column's differ)."""
    rules_map = sheet.rules_map
    for key in (*(f".{name}" for name in names), "*", "DOMNode"):
        for rule in rules_map.get(key, ()):
            for selector_set in rule.selector_set:
                for selector in selector_set.selectors[:-1]:
                    if selector.pseudo_classes or selector.type == SelectorType.ID:
                        return False
    return True
