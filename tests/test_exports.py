import moderation


def test_public_surface_is_pinned() -> None:
    assert sorted(moderation.__all__) == [
        "ConfigError",
        "Match",
        "ModerationError",
        "Moderator",
        "Result",
        "UnknownPolicyError",
        "UnsupportedContentTypeError",
    ]
    for name in moderation.__all__:
        assert getattr(moderation, name)
