"""Hooks into the case page and the client time line."""


def register() -> None:
    pass
