"""The Perspective-compatible routes, in process: fields, scores, spans, errors, keys and feedback."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from moderation.service import create_app

ANALYZE = "/v1alpha1/comments:analyze"
SUGGEST = "/v1alpha1/comments:suggestscore"


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def analyze(client: FlaskClient, text: str, attributes: dict[str, Any] | None = None, **more: Any) -> Any:
    body = {"comment": {"text": text}, "requestedAttributes": attributes or {"TOXICITY": {}}, **more}
    return client.post(ANALYZE, json=body)


def google_error(response: Any, code: int, status: str) -> str:
    """The message of an error answered in Google's shape, after checking that shape."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "status"} and error["code"] == code and error["status"] == status
    return str(error["message"])


def test_a_coral_request_gets_a_toxicity_summary(client: FlaskClient) -> None:
    r = analyze(client, "What the f**k is this", languages=["en"], doNotStore=True)
    assert r.status_code == 200
    body = r.get_json()
    assert body["attributeScores"]["TOXICITY"]["summaryScore"] == {"value": 0.95, "type": "PROBABILITY"}
    assert body["attributeScores"]["TOXICITY"]["spanScores"] == [
        {"begin": 0, "end": 21, "score": {"value": 0.95, "type": "PROBABILITY"}}]  # the whole text, as Perspective
    assert body["languages"] == ["en"] and body["detectedLanguages"] == ["en"]
    ours = body["moderation"]
    assert ours["matches"][0]["term"] == "fuck" and ours["cleaned"] == "What the f*** is this"


def test_span_annotations_count_utf16_code_units(client: FlaskClient) -> None:
    text = "😀😀 you idiot, 🐢 this is shit"
    r = analyze(client, text, {"TOXICITY": {}, "INSULT": {}, "PROFANITY": {}}, spanAnnotations=True)
    scores = r.get_json()["attributeScores"]
    spans = {(s["begin"], s["end"]): s["score"]["value"] for s in scores["TOXICITY"]["spanScores"]}
    utf16 = text.encode("utf-16-le")
    words = {utf16[2 * b:2 * e].decode("utf-16-le"): v for (b, e), v in spans.items()}
    assert words == {"idiot": 0.55, "shit": 0.85}
    assert [s["begin"] for s in scores["INSULT"]["spanScores"]] == [text.index("idiot") + 2]  # two emoji: +2
    assert scores["PROFANITY"]["summaryScore"]["value"] == 0.85
    assert r.get_json()["moderation"]["offsets"] == "utf16"


def test_each_attribute_answers_only_its_categories(client: FlaskClient) -> None:
    every = {name: {} for name in ("TOXICITY", "SEVERE_TOXICITY", "PROFANITY", "SEXUALLY_EXPLICIT", "INSULT",
                                   "IDENTITY_ATTACK")}
    scores = analyze(client, "you idiot", every).get_json()["attributeScores"]
    values = {name: s["summaryScore"]["value"] for name, s in scores.items()}
    assert values == {"TOXICITY": 0.55, "SEVERE_TOXICITY": 0.0, "PROFANITY": 0.0, "SEXUALLY_EXPLICIT": 0.0,
                      "INSULT": 0.55, "IDENTITY_ATTACK": 0.0}


def test_a_score_under_the_threshold_is_left_out(client: FlaskClient) -> None:
    at = {"scoreThreshold": 0.6}
    r = analyze(client, "you idiot, this is shit", {"INSULT": at, "PROFANITY": at}, spanAnnotations=True)
    scores = r.get_json()["attributeScores"]
    assert set(scores) == {"PROFANITY"}
    r = analyze(client, "you idiot, this is shit", {"TOXICITY": {"scoreThreshold": 0.6}}, spanAnnotations=True)
    assert [s["score"]["value"] for s in r.get_json()["attributeScores"]["TOXICITY"]["spanScores"]] == [0.85]


def test_html_comments_are_read_as_html(client: FlaskClient) -> None:
    html = "<p>what the <b>f</b>uck</p>"
    r = client.post(ANALYZE, json={"comment": {"text": html, "type": "HTML"}, "requestedAttributes": {"TOXICITY": {}},
                                   "spanAnnotations": True})
    span = r.get_json()["attributeScores"]["TOXICITY"]["spanScores"][0]
    assert html[span["begin"]:span["end"]] == "f</b>uck"


def test_the_client_token_comes_back(client: FlaskClient) -> None:
    assert analyze(client, "fine", clientToken="comment:42").get_json()["clientToken"] == "comment:42"
    assert "clientToken" not in analyze(client, "fine").get_json()


def test_fields_perspective_accepts_are_accepted(client: FlaskClient) -> None:
    r = analyze(client, "fine words", sessionId="s1", communityId="Coral:https://news.example", doNotStore=True,
                context={"entries": [{"text": "the article"}]}, languages=["en-US"])
    assert r.status_code == 200 and r.get_json()["languages"] == ["en-US"]


@pytest.mark.parametrize("attribute", ["THREAT", "FLIRTATION", "SPAM", "ATTACK_ON_AUTHOR", "OBSCENE"])
def test_an_attribute_we_cannot_score_is_refused_with_the_reason(client: FlaskClient, attribute: str) -> None:
    message = google_error(analyze(client, "hello", {"TOXICITY": {}, attribute: {}}), 400, "INVALID_ARGUMENT")
    assert message.startswith(f"Attribute {attribute} is not supported by this server: ")
    assert "dropUnsupportedAttributes" in message


def test_drop_unsupported_attributes_leaves_them_out(client: FlaskClient) -> None:
    r = analyze(client, "shit", {"TOXICITY": {}, "THREAT": {}}, dropUnsupportedAttributes=True)
    assert set(r.get_json()["attributeScores"]) == {"TOXICITY"}


@pytest.mark.parametrize(("body", "says"), [
    ({"comment": {"text": "x"}}, "requestedAttributes is required"),
    ({"requestedAttributes": {"TOXICITY": {}}}, "comment.text is required"),
    ({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}, "Comment must be non-empty."),
    ({"comment": {"text": "x", "type": "MARKDOWN"}, "requestedAttributes": {"TOXICITY": {}}}, "comment.type must be"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["ru"]},
     "Attribute TOXICITY does not support request languages: ru"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {"scoreType": "STD_DEV_SCORE"}}},
     "scoreType 'STD_DEV_SCORE' is not supported"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}, "from 0 to 1"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}, "requestedAttricutes": {}},
     'Unknown name "requestedAttricutes": Cannot find field.'),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY_X": {}}}, "Unknown attribute: TOXICITY_X."),
    ({"comment": {"text": "x", "type": ["HTML"]}, "requestedAttributes": {"TOXICITY": {}}}, "comment.type must be"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}, "clientToken": 7},
     "Invalid value at 'clientToken': must be a string, not 7"),
    ({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}, "spanAnnotations": "yes"},
     "Invalid value at 'spanAnnotations': must be a boolean"),
])
def test_bad_requests_are_refused_as_google_refuses_them(client: FlaskClient, body: dict[str, Any], says: str) -> None:
    assert says in google_error(client.post(ANALYZE, json=body), 400, "INVALID_ARGUMENT")


def test_a_crash_is_answered_in_googles_shape(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from moderation.service import perspective

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(perspective, "attribute_scores", broken)
    message = google_error(analyze(client, "hello"), 500, "INTERNAL")
    assert "the operator can find it in the log by its request id" in message


def test_a_body_that_is_not_json_is_invalid_argument(client: FlaskClient) -> None:
    r = client.post(ANALYZE, data=b"{not json", content_type="application/json")
    assert "Invalid JSON payload received" in google_error(r, 400, "INVALID_ARGUMENT")


def test_keys_come_in_the_query_in_googles_header_or_as_a_bearer() -> None:
    client = create_app({"API_KEYS": "k1,k2"}).test_client()
    body = {"comment": {"text": "shit"}, "requestedAttributes": {"TOXICITY": {}}}
    assert client.post(f"{ANALYZE}?key=k2", json=body).status_code == 200
    assert client.post(ANALYZE, json=body, headers={"Authorization": "Bearer k1"}).status_code == 200
    assert client.post(ANALYZE, json=body, headers={"X-Goog-Api-Key": "k2"}).status_code == 200  # Google's clients
    assert "API key not valid" in google_error(client.post(ANALYZE, json=body, headers={"X-Goog-Api-Key": "k3"}),
                                               400, "INVALID_ARGUMENT")
    assert google_error(client.post(ANALYZE, json=body), 403, "PERMISSION_DENIED") == \
        "The request is missing a valid API key."
    assert "API key not valid" in google_error(client.post(f"{ANALYZE}?key=k3", json=body), 400, "INVALID_ARGUMENT")
    assert client.post(f"{SUGGEST}?key=nope", json=body).status_code == 400


def suggestion(value: float, text: str = "this is shit", **more: Any) -> dict[str, Any]:
    return {"comment": {"text": text}, "attributeScores": {"TOXICITY": {"summaryScore": {"value": value}}},
            "languages": ["en"], "communityId": "Coral:https://news.example", "clientToken": "comment:7", **more}


def test_suggestscore_answers_as_perspective_and_keeps_nothing_by_default(client: FlaskClient,
                                                                           tmp_path: Path) -> None:
    r = client.post(SUGGEST, json=suggestion(0))
    assert r.status_code == 200
    answer = r.get_json()
    ours = answer.pop("moderation")  # our result for the comment, as comments:analyze carries it
    assert ours["matches"][0]["term"] == "shit" and ours["offsets"] == "utf16"
    assert answer == {"clientToken": "comment:7", "requestedLanguages": ["en"], "detectedLanguages": ["en"]}
    assert list(tmp_path.iterdir()) == []


def test_suggestscore_appends_the_decision_to_the_feedback_file(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    client = create_app({"FEEDBACK_FILE": str(path)}).test_client()
    assert client.post(SUGGEST, json=suggestion(0)).status_code == 200
    assert client.post(SUGGEST, json=suggestion(1, "you idiot", doNotStore=False)).status_code == 200
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    assert first["terms"] == [{"term": "shit", "category": "profanity", "severity": 2}]
    assert first["suggested"] == {"TOXICITY": 0.0} and first["communityId"] == "Coral:https://news.example"
    assert "text" not in first  # the comment's text is kept only when the request says doNotStore: false
    assert second["text"] == "you idiot" and second["terms"][0]["term"] == "idiot"


@pytest.mark.parametrize(("scores", "says"), [
    (None, "attributeScores is required"),
    ({"TOXICITY": {}}, "must have a summaryScore or spanScores"),
    ({"TOXICITY": {"summaryScore": {}}}, "summaryScore.value must be set"),
    ({"TOXICITY": {"spanScores": [{"score": {"value": 1}}]}}, "must have begin and end set"),
])
def test_a_malformed_suggestion_is_invalid_argument(client: FlaskClient, scores: Any, says: str) -> None:
    body = {"comment": {"text": "x"}, **({"attributeScores": scores} if scores is not None else {})}
    assert says in google_error(client.post(SUGGEST, json=body), 400, "INVALID_ARGUMENT")


def test_moderation_feedback_ranks_the_terms_moderators_overrule(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from moderation.cli import main

    path = tmp_path / "feedback.jsonl"
    client = create_app({"FEEDBACK_FILE": str(path)}).test_client()
    for text, value in [("this is shit", 0), ("shit again", 0), ("shit", 1), ("you idiot", 1), ("no word", 1)]:
        assert client.post(SUGGEST, json=suggestion(value, text)).status_code == 200
    r = CliRunner().invoke(main, ["feedback", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert [(t["term"], t["seen"], t["upheld"], t["overruled"]) for t in report["terms"]] == [
        ("shit", 3, 1, 2), ("idiot", 1, 1, 0)]
    assert report["records"] == 5 and report["unmatched_toxic"] == 1
    text = CliRunner().invoke(main, ["feedback", str(path)]).stdout
    assert text.splitlines()[1].split() == ["shit", "profanity", "3", "1", "2", "67%"]

    with path.open("a") as f:
        f.write("{not a record\n")
    r = CliRunner().invoke(main, ["feedback", str(path)])
    assert r.exit_code == 2 and f"{path}: line 6: not a feedback record" in r.stderr
    assert "shit" in r.stdout  # the readable lines are still summarised


def policy_config(tmp_path: Path, extra: str) -> Path:
    """Two policies: the default reports everything; `strict` masks whole words and reports slurs only."""
    config = tmp_path / "moderation.toml"
    config.write_text('[policies.default]\n[policies.strict]\ncategories = ["slur"]\n' + extra, encoding="utf-8")
    return config


def test_a_community_or_a_key_chooses_the_policy(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"k2").hexdigest()
    config = policy_config(tmp_path, f'[policy_for.communities]\n"Coral:https://strict.example" = "strict"\n'
                                     f'[policy_for.keys]\n"{digest}" = "strict"\n')
    client = create_app({"CONFIG": str(config), "API_KEYS": "k1,k2"}).test_client()
    body = {"comment": {"text": "this is shit"}, "requestedAttributes": {"TOXICITY": {}}}

    def policy(key: str, **more: Any) -> tuple[str, float]:
        answer = client.post(f"{ANALYZE}?key={key}", json={**body, **more}).get_json()
        return answer["moderation"]["policy"], answer["attributeScores"]["TOXICITY"]["summaryScore"]["value"]

    assert policy("k1") == ("default", 0.85)
    assert policy("k2") == ("strict", 0.0)  # the key's policy: profanity is not reported
    assert policy("k1", communityId="Coral:https://strict.example") == ("strict", 0.0)
    assert policy("k1", communityId="Coral:https://other.example") == ("default", 0.85)


@pytest.mark.parametrize(("extra", "says"), [
    ('[policy_for.communities]\n"Coral:x" = "nope"\n', "'Coral:x' names 'nope', which is not among the policies"),
    ('[policy_for.keys]\n"my-secret-key" = "strict"\n', "is not a key's SHA-256 digest"),
    ('[policy_for]\nsites = {}\n', "unknown key 'sites' in [policy_for]"),
])
def test_a_wrong_policy_for_is_named_with_its_line(tmp_path: Path, extra: str, says: str) -> None:
    from moderation import ConfigError, Moderator

    config = policy_config(tmp_path, extra)
    with pytest.raises(ConfigError) as e:
        Moderator.from_config(config)
    assert says in str(e.value) and e.value.line is not None and e.value.line >= 4
