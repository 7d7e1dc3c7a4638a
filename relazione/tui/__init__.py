"""The drafting assistant: a Textual app to write R40 within 6,000 characters with live motivation feedback.

Layout of the package (logic first, widgets thin, as in harlequin/posting):

- ``counter``: characters used/left against the limit (pure);
- ``session``: :class:`~relazione.tui.session.DraftSession`, the record being written, its dirty state and
  the last analysis (pure);
- ``engine``: the analysis run in a worker thread and the rows the side panel shows (pure);
- ``skeleton``, ``cuts``, ``marks``, ``recovery``: skeleton paragraphs, sentences to cut, editor highlights,
  autosave/recovery store (pure);
- ``widgets``, ``screens``, ``app``, ``app.tcss``: the Textual front end.

Nothing in :mod:`relazione` outside this package imports it; the pure modules import no Textual either, so
they are tested without a screen.
"""
