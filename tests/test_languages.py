"""Languages other than English: each one's golden cases (tests/cases/<lang>/), folding per script,
languages per policy and per request, "auto", and exact offsets in every script."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import Moderator, UnknownLanguageError
from moderation.engine.normalize import fold, fold_cyrillic
from moderation.engine.wordlists import BUNDLED
from moderation.service import create_app
from tests.golden import Case, files, languages, load
from tests.test_golden import expected

BUNDLED_LANGUAGES = sorted(p.name for p in BUNDLED.iterdir() if p.is_dir())


def _config(tmp: Path, lists: list[str], checked: list[str], identify: bool = False, extra: str = "") -> Path:
    config = tmp / "moderation.toml"
    config.write_text(f"[wordlists]\nlanguages = {lists!r}\n{extra}\n[policies.default]\nlanguages = {checked!r}\n"
                      f"identify = {str(identify).lower()}\n".replace("'", '"'), encoding="utf-8")
    return config


@pytest.fixture(scope="module")
def every(tmp_path_factory: pytest.TempPathFactory) -> Moderator:
    """Every bundled language loaded; the default policy checks them all and identifies."""
    tmp = tmp_path_factory.mktemp("every")
    return Moderator.from_config(_config(tmp, BUNDLED_LANGUAGES, BUNDLED_LANGUAGES, identify=True))


def _found(moderator: Moderator, case: Case, language: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    result = moderator.check(case.text, languages=[language])
    for m in result.matches:
        assert case.text[m.start : m.end] == m.text and m.language == language
    return tuple((m.text, m.term, tuple(sorted(m.evasions))) for m in result.matches)


@pytest.mark.parametrize("language, case", [
    pytest.param(language, case, id=f"{case.where} {case.label}",
                 # what a language's lists still get wrong: a fix shows as a failure, and the case moves
                 marks=[pytest.mark.xfail(strict=True, reason="known failure")] if kind == "known_failures" else [])
    for language in languages() for kind in ("positive", "evasion", "negative", "known_failures")
    for name in files(kind, language) for case in load(name)])
def test_case(every: Moderator, language: str, case: Case) -> None:
    assert _found(every, case, language) == expected(case)


def test_every_bundled_language_has_cases_and_a_readme() -> None:
    for language in BUNDLED_LANGUAGES:
        assert (BUNDLED / language / "README.md").is_file() or language == "en"
        if language != "en":
            assert language in languages(), f"tests/cases/{language}/ is missing"
            assert all(files(kind, language) for kind in ("positive", "evasion", "negative"))


def test_a_word_follows_the_language_of_its_text(every: Moderator) -> None:
    # French con and German Mist are words of those languages, not of English prose.
    english = "He is a con artist and the mist rose over the hill while we talked about it for hours."
    assert every.check(english).matches == ()
    assert [m.term for m in every.check(english, languages=["en", "fr"]).matches] == ["con"]
    french = "Quel con, celui-là, il ne comprend vraiment rien à rien depuis le début de la soirée."
    assert [(m.term, m.language) for m in every.check(french).matches] == [("con", "fr")]


@pytest.mark.parametrize("text", ["el ID inválido", "un mojón marca la linde", "eres un inválido", "c*pullo",
                                  "coño", "vaya coñazo", "un cono de helado", "el año pasado"])
def test_a_decomposed_accent_is_read_as_the_letter_it_composes(every: Moderator, text: str) -> None:
    # macOS and some catalogues write inválido as inva + U+0301 and coño as con + U+0303 + o: no
    # disguise of the aimed word, and coño's ñ is shown, as in the composed form
    def found(t: str) -> list[tuple[str, tuple[str, ...]]]:
        return [(m.term, m.evasions) for m in every.check(t, languages=["es"]).matches]
    assert found(unicodedata.normalize("NFD", text)) == found(text)


def test_english_swearing_is_caught_in_a_text_of_another_language(every: Moderator) -> None:
    text = "No entiendo nada de lo que dices, fuck this, y además me parece una mierda total."
    found = [(m.term, m.language) for m in every.check(text).matches]
    assert ("fuck", "en") in found and ("mierda", "es") in found


def test_english_figures_do_not_move_with_every_language(every: Moderator, moderator: Moderator) -> None:
    prose = (Path(__file__).resolve().parents[2] / "shared" / "samples" / "news-article.txt")
    text = prose.read_text(encoding="utf-8") if prose.exists() else "What the f**k, said the shit-stirring idiot."
    assert [m.to_dict() for m in every.check(text).matches] == [m.to_dict() for m in moderator.check(text).matches]


def test_a_request_narrows_the_policy_languages(every: Moderator, moderator: Moderator) -> None:
    text = "puta madre, what the fuck"
    assert [m.language for m in every.check(text, languages=["es"]).matches] == ["es"]
    with pytest.raises(UnknownLanguageError, match="checks en"):
        moderator.check(text, languages=["es"])
    with pytest.raises(UnknownLanguageError):
        every.check(text, languages=[])


def test_a_policy_language_must_be_loaded(tmp_path: Path) -> None:
    from moderation.errors import ConfigError

    with pytest.raises(ConfigError, match="add es to \\[wordlists\\] languages"):
        Moderator.from_config(_config(tmp_path, ["en"], ["en", "es"]))
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        Moderator.from_config(_config(tmp_path, ["en"], ["xx"]))


def test_one_byte_per_code_point_in_both_views() -> None:
    assert fold("Scheiße") == b"scheise"  # the German lists spell ß as s and as ss
    assert fold_cyrillic("Ёлки, xyй") == fold_cyrillic("елки, хуй")  # ё is е; x and y in a Cyrillic word
    assert len(fold_cyrillic("Сука 😀 blyat")) == len("Сука 😀 blyat")


def test_a_cyrillic_word_reads_latin_letters_by_their_sound_and_pi_as_its_letters() -> None:
    assert fold_cyrillic("пиZдец бляdь") == fold_cyrillic("пиздец блядь")  # z, d: no look-alike, their sound
    assert fold_cyrillic("zdes iPhone") == b"zdes iphone"  # a Latin word stays Latin
    assert fold_cyrillic("пiдручник") == fold_cyrillic("підручник") != fold_cyrillic("пидручник")  # Ukrainian і
    assert fold_cyrillic("мој") != fold_cyrillic("мой")  # a Serbian ј folds to j, and is no Latin j
    assert fold_cyrillic("бл€ть") == fold_cyrillic("блеть")  # the euro sign is an е
    assert fold_cyrillic("3.14здец, 3,14дор") == fold_cyrillic("п\u200bи\u200bздец, п\u200bи\u200bдор")  # π: пи
    for honest in ("13.14км", "v3.14б", "3.14 м", "3.1415", "3:14ч"):  # a number, a version, a unit, a time
        assert b"\x02" not in fold_cyrillic(honest)


def test_latin_n_u_r_in_a_cyrillic_word_are_read_as_their_look_and_marked_to_read_by_sound() -> None:
    two_ways: list[int] = []
    assert fold_cyrillic("трахnуть, нахuй, rовно", two_ways) == fold_cyrillic("трахпуть, нахий, говно")
    assert two_ways == [4, 13, 17]  # the readings read each as н, у, р too
    capitals: list[int] = []
    assert fold_cyrillic("ХУЙNЯ", capitals) == fold_cyrillic("хуйпя") and capitals == [3]
    latin: list[int] = []
    assert fold_cyrillic("nahuj run", latin) == b"nahuj run" and latin == []  # a Latin word is no Cyrillic one


CYRILLIC_LIST = """[profanity]
хуй: 3 inside
пиздец: 3 word
блять: 3 word
blyat: 3 word
[allow]
застрахуй
"""


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Moderator:
    """A Cyrillic list of its own, so that these tests do not hang on the bundled one's words."""
    tmp = tmp_path_factory.mktemp("ru")
    (tmp / "ru").mkdir()
    (tmp / "ru" / "test.txt").write_text(CYRILLIC_LIST, encoding="utf-8")
    return Moderator.from_config(_config(tmp, ["en"], ["en", "ru"], extra='paths = ["ru"]'))


@pytest.mark.parametrize("text, found", [
    ("иди нахуй", [("нахуй", "хуй", ("compound",))]),
    ("ПИЗДЕЦ!", [("ПИЗДЕЦ", "пиздец", ())]),
    ("xyй", [("xyй", "хуй", ("homoglyph",))]),  # Latin x and y inside a Cyrillic word
    ("п*здец", [("п*здец", "пиздец", ("masked",))]),
    ("п.и.з.д.е.ц", [("п.и.з.д.е.ц", "пиздец", ("separator",))]),
    ("blyat", [("blyat", "blyat", ())]),
    ("застрахуй машину", []),
    ("fuсk", [("fuсk", "fuck", ("homoglyph",))]),  # a Cyrillic с in an English word
    ("пиzдец", [("пиzдец", "пиздец", ("leet",))]),  # a Latin z for the з it sounds as
    ("бляtь", [("бляtь", "блять", ("homoglyph",))]),  # t looks like т
    ("пизд€ц", [("пизд€ц", "пиздец", ("homoglyph",))]),
    ("3.14здец", [("3.14здец", "пиздец", ("leet",))]),  # π: пи
    ("иди на3,14здец", []),  # π glued to a word is no π
    ("v3.14здец", []),
])
def test_cyrillic_is_read_in_its_own_script(russian: Moderator, text: str,
                                            found: list[tuple[str, str, tuple[str, ...]]]) -> None:
    result = russian.check(text)
    assert [(m.text, m.term, tuple(m.evasions)) for m in result.matches] == found


def test_languages_answered_by_the_api(tmp_path: Path) -> None:
    config = _config(tmp_path, ["en", "es"], ["en", "es"])
    client = create_app({"CONFIG": str(config), "RELOAD_INTERVAL": 3600}).test_client()
    policies = client.get("/v1/policies").get_json()["policies"]
    assert policies[0]["languages"] == ["en", "es"]
    body = client.post("/v1/check", json={"text": "qué mierda", "languages": ["es"]}).get_json()
    assert body["matches"][0]["language"] == "es" and body["matches"][0]["list"] == "es/profanity"
    refused = client.post("/v1/check", json={"text": "x", "languages": ["ru"]})
    assert refused.status_code == 422 and "does not check ru" in refused.get_json()["detail"]
    assert client.post("/v1/check", json={"text": "x", "languages": "es"}).status_code == 400
    auto = client.post("/v1/check", json={"text": "¿Qué mierda es esta? No me gusta nada de nada.",
                                          "languages": "auto"}).get_json()
    assert [m["language"] for m in auto["matches"]] == ["es"]


SPACED_LIST = """[profanity]
дрочить: 3 word
пиздец: 3 word
[insult]
идиот: 1 word
клоун: 1 evaded
"""


@pytest.mark.parametrize("text, found", [
    ("дро чить", ["дрочить"]),  # a whole word cut by one space
    ("пиз дец", ["пиздец"]),
    ("ид иот", ["идиот"]),
    ("иди от меня", []),  # иди, от: words that stand alone
    ("кл оун", []),  # an evaded word (a clown): a space is too little disguise
    ("дро  чить", []),  # two spaces, a line break: two words
    ("дро\nчить", []),
])
def test_a_russian_word_cut_by_a_space_is_read_whole(tmp_path: Path, text: str, found: list[str]) -> None:
    (tmp_path / "ru").mkdir()
    (tmp_path / "ru" / "test.txt").write_text(SPACED_LIST, encoding="utf-8")
    moderator = Moderator.from_config(_config(tmp_path, ["en"], ["ru"], extra='paths = ["ru"]'))
    assert [m.term for m in moderator.check(text).matches] == found


SCRIPTS = st.text(st.sampled_from([*"abcfkuzdхуйпиздецСУКАñçéäößł*.,134@€ -_\n", "\u200b", "ё", "Ё", "😀"]),
                  max_size=60)


@settings(max_examples=300, deadline=None)
@given(text=SCRIPTS)
def test_offsets_are_exact_in_every_script(every: Moderator, russian: Moderator, text: str) -> None:
    for moderator in (every, russian):
        result = moderator.check(text, languages=None)
        at = 0
        pieces = []
        for m in result.matches:
            assert text[m.start : m.end] == m.text
            pieces.append(text[at : m.start])
            at = m.end
        pieces.append(text[at:])
        # the cleaned copy differs only inside the spans, which keep their length
        outside = []
        at = 0
        for m in result.matches:
            outside.append(result.cleaned[at : m.start])
            at = m.end
        outside.append(result.cleaned[at:])
        assert outside == pieces and len(result.cleaned) == len(text)  # the default mask keeps lengths


def test_perspective_routes_check_the_languages_asked_for_or_detected(tmp_path: Path) -> None:
    config = _config(tmp_path, ["en", "es"], ["en", "es"])
    client = create_app({"CONFIG": str(config), "RELOAD_INTERVAL": 3600}).test_client()
    route = "/v1alpha1/comments:analyze"
    asked = client.post(route, json={"comment": {"text": "qué mierda"}, "languages": ["es-MX"],
                                     "requestedAttributes": {"PROFANITY": {}}}).get_json()
    assert asked["languages"] == ["es-MX"] and asked["detectedLanguages"] == ["es"]
    assert [m["language"] for m in asked["moderation"]["matches"]] == ["es"]
    detected = client.post(route, json={"comment": {"text": "¿Qué mierda es esta? No me gusta nada de nada."},
                                        "requestedAttributes": {"PROFANITY": {}}}).get_json()
    assert detected["detectedLanguages"] == ["es"] and detected["attributeScores"]["PROFANITY"]
    refused = client.post(route, json={"comment": {"text": "x"}, "languages": ["ru"],
                                       "requestedAttributes": {"PROFANITY": {}}})
    assert refused.status_code == 400 and "this server checks: en, es" in refused.get_json()["error"]["message"]


def test_the_command_line_checks_the_languages_asked_for(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from moderation.cli import main

    config = _config(tmp_path, ["en", "es"], ["en", "es"])
    runner = CliRunner()
    text = "qué mierda, fuck this\n"
    every = runner.invoke(main, ["check", "-", "--config", str(config), "--format", "json"], input=text)
    spanish = runner.invoke(main, ["check", "-", "--config", str(config), "--format", "json", "--languages", "es"],
                            input=text)
    assert every.exit_code == spanish.exit_code == 1
    assert sorted(m["language"] for m in json.loads(every.stdout)[0]["matches"]) == ["en", "es"]
    assert [m["language"] for m in json.loads(spanish.stdout)[0]["matches"]] == ["es"]
    refused = runner.invoke(main, ["check", "-", "--config", str(config), "--languages", "ru"], input=text)
    assert refused.exit_code == 2 and "does not check ru" in refused.stderr
