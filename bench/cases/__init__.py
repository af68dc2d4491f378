"""One module per benchmark case, each with ``run() -> dict[str, float | str]``."""
