import importlib

import pytest

import moderation


def test_public_surface_is_pinned() -> None:
    assert sorted(moderation.__all__) == [
        "ConfigError",
        "Match",
        "ModerationError",
        "Moderator",
        "Result",
        "UnknownLanguageError",
        "UnknownPolicyError",
        "UnsupportedContentTypeError",
    ]
    for name in moderation.__all__:
        assert getattr(moderation, name)


def test_the_wsgi_factory_is_where_gunicorn_looks() -> None:
    from moderation.service import create_app

    app = create_app()
    assert app.test_client().get("/healthz").status_code == 200


@pytest.mark.parametrize("old", ["moderation.api", "moderation.engine.engine", "moderation.batch.batch",
                                 "moderation.normalize", "moderation.server", "moderation.documents"])
def test_moved_modules_leave_no_alias_behind(old: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(old)
