"""Failed workers are never silent.

``Worker.StateChanged`` does not bubble, so each node that runs workers hands its events to
``forward_failure``; the app turns every failure into one notification naming what failed.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState

from reviewer.safetext import one_line

# What each worker group does, in words an analyst reads in the notification.
WHAT = {
    "counts": "Counting annotations per document",
    "suggest": "Training category suggestions",
    "matrix": "Building the coverage matrix",
    "lookup": "Looking up clauses",
    "lookup-index": "Indexing the policies for lookup",
    "similar": "Finding similar clauses",
    "export": "Exporting the set",
    "agreement": "Computing agreement",
}


class WorkerFailed(Message):
    """A worker ended with an exception (posted to the app)."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker = worker


def describe(worker: Worker) -> str:
    """One safe line: what was being done, and the error."""
    what = WHAT.get(worker.group) or WHAT.get(worker.name) or f"Background task {worker.name or worker.group!r}"
    error = worker.error
    detail = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
    return one_line(f"{what} failed ({detail})", 300)


def forward_failure(node: DOMNode, event: Worker.StateChanged) -> None:
    """Call from a node's ``on_worker_state_changed``: a failure goes to the app's one handler."""
    if event.state == WorkerState.ERROR:
        node.app.post_message(WorkerFailed(event.worker))
