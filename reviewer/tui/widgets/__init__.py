"""Widgets of the workspace: one public widget per module."""
