"""The Textual app (imported lazily by reviewer.cli): the workspace and its dialogs."""
