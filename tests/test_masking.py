from __future__ import annotations

import pytest

from moderation import Moderator
from moderation.engine.masking import GRAWLIX, MaskRule, mask, mask_span


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (MaskRule("full"), "*******"),
        (MaskRule("first"), "f******"),
        (MaskRule("first_last"), "f*****g"),
        (MaskRule("full", char="#"), "#######"),
        (MaskRule("replace", replacement="[removed]"), "[removed]"),
    ],
)
def test_rules(rule: MaskRule, expected: str) -> None:
    assert mask_span("fucking", rule) == expected


def test_grawlix_keeps_length_and_spells_no_word(moderator: Moderator) -> None:
    for n in range(1, 40):
        g = mask_span("x" * n, MaskRule("grawlix"))
        assert len(g) == n
        assert set(g) <= set(GRAWLIX)
        assert not moderator.check(f"you {g} there").flagged


def test_mask_touches_only_the_spans() -> None:
    text = "ab fuck cd shit ef"
    out = mask(text, [(3, 7, MaskRule("full")), (11, 15, MaskRule("first"))])
    assert out == "ab **** cd s*** ef"
