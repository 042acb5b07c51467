"""The public classes may be subclassed and patched, as Python classes, whether the engine runs
compiled or not (a compiled class refuses a subclass's instances in its methods)."""

from __future__ import annotations

import dataclasses

from moderation import Match, Moderator, Result


class Logged(Moderator):
    def check(self, text: str, *args: object, **kwargs: object) -> Result:
        self.seen = [*getattr(self, "seen", []), text]
        return super().check(text, *args, **kwargs)  # type: ignore[arg-type]


def test_a_moderator_subclass_is_built_and_checks() -> None:
    moderator = Logged.from_config()
    assert isinstance(moderator, Logged)
    assert moderator.check("what the fuck").flagged
    assert moderator.seen == ["what the fuck"]
    assert moderator.policies == Moderator.from_config().policies


def test_match_and_result_subclasses_work_as_theirs() -> None:
    @dataclasses.dataclass(slots=True, unsafe_hash=True)
    class Scored(Result):
        score: float = 0.0

    @dataclasses.dataclass(slots=True, unsafe_hash=True)
    class Noted(Match):
        note: str = ""

    match = Noted(0, 4, "fuck", "fuck", "profanity", 3, (), "en/profanity", note="n")
    result = Scored((match,), "block", "f***", "default", "v", score=0.5)
    assert result.flagged and result.to_dict()["matches"][0]["term"] == "fuck"
    assert dataclasses.replace(result, matches=()).flagged is False
