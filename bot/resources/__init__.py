"""Files of the repository that an installed mentorbot still needs to show: the Slack app manifest and
the configuration template.

`manifest.yml` and `.env.example` live at the top of the repository, where people look for them; the
entries here are symbolic links to those files, which setuptools copies into the wheel as ordinary files.
One source of truth, and `importlib.resources` finds them in a checkout, an editable install or a wheel.
"""

from __future__ import annotations

from importlib.resources import files

import yaml

MANIFEST = "manifest.yml"
ENV_EXAMPLE = ".env.example"


def manifest_text() -> str:
    """The Slack app manifest to paste into https://api.slack.com/apps (Create New App > From a manifest)."""
    return _read(MANIFEST)


def bot_scopes() -> list[str]:
    """The manifest's bot scopes: what Add to Slack asks each workspace for. One list, which
    tests/test_manifest.py holds to exactly what the code's Web API calls and events need."""
    return list(yaml.safe_load(manifest_text())["oauth_config"]["scopes"]["bot"])


def env_example_text() -> str:
    """The commented template of the configuration, to copy to `.env` and fill in."""
    return _read(ENV_EXAMPLE)


def _read(name: str) -> str:
    return files(__name__).joinpath(name).read_text(encoding="utf-8")
