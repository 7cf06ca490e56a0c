"""The demo's progress: one line redrawn in place on a terminal, a line now and then in a CI log."""

from __future__ import annotations

from typing import TextIO

BAR_WIDTH = 28


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """`[█████·····]  42%`"""
    share = done / total if total else 1.0
    filled = min(width, round(share * width))
    return f"[{'█' * filled}{'·' * (width - filled)}] {round(share * 100):3d}%"


class Progress:
    """Shows how far the demo got. On a TTY, one line redrawn with a carriage return; elsewhere a plain
    line each time the caption's first word changes (a new stage or month), so CI logs stay short."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.interactive = stream.isatty()
        self._last_stage: str | None = None
        self._drawn = 0

    def show(self, done: int, caption: str, stage: str) -> None:
        if self.interactive:
            line = f"\r{bar(done, self.total)}  {caption}"
            padding = max(0, self._drawn - len(line))
            self.stream.write(line + " " * padding)
            self._drawn = len(line)
        elif stage != self._last_stage:
            self.stream.write(f"{bar(done, self.total)}  {caption}\n")
        self._last_stage = stage
        self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
