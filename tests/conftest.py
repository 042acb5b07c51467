from __future__ import annotations

from pathlib import Path

import pytest

from moderation import Moderator

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(scope="session")
def moderator() -> Moderator:
    return Moderator.from_config()
