"""A topic of the school's programme as the builders show it, in each language."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    labels: dict[str, str]  # by locale

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or next(iter(self.labels.values()))
