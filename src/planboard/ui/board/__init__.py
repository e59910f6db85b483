"""The board screen in rooms by feature.

`screen` composes the columns and routes keys and messages; `base` holds the state the
rooms share (columns, selection, widths, long actions); `view` loads the quarter and
applies each `Change`; `drag` is the drag controller (what a drop would do, shown as
it is dragged); `items` the keys that act on a row; `forms` the forms and import;
`search` the search bar; `overlap` the overlap worker, who else asks and suggested
blocks; `quarters` quarter navigation and the event.
"""
