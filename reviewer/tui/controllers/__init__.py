"""Features of the workspace as plain controllers the screen builds with explicit collaborators.

A controller owns one feature's state and logic; the screen keeps the bindings, routes each
action and ``check_action`` to it from one table, and hands it the messages its workers post.
"""
