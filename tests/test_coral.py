"""Coral (coralproject/talk) pointed at a real `moderation serve` instead of Google's Perspective API,
and an independent Perspective client from PyPI pointed at it too.

Coral builds its request in `services/perspective/perspective.ts`: the endpoint setting (by default
https://commentanalyzer.googleapis.com/v1alpha1) joined with `/comments:analyze` by path, the key in
the query string, a body of the comment's text (its HTML body reduced to text), doNotStore, the
model (TOXICITY) and the language; its `toxic` phase holds a comment whose
`attributeScores[model].summaryScore.value` is above the threshold (80% by default). On a
moderator's decision it sends `comments:suggestscore` with 0 (approved) or 1 (rejected).
"""

from __future__ import annotations

import json
import os
import posixpath
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from typing import Any

import perspective
import pytest

from tests.conftest import SHARED
from tests.test_serve import serve, stop

KEY = "coral-test-key"
THRESHOLD = 0.8  # Coral's TOXICITY_THRESHOLD_DEFAULT, 80, over 100
COMMENTS = [  # (the comment's HTML body as Coral stores it, held at the default threshold)
    ("<p>Great reporting, thank you for covering the council meeting.</p>", False),
    ("<p>You are an idiot if you believe this.</p>", False),  # a mild insult goes through
    ("<p>This is <b>bullshit</b> and you know it.</p>", True),
    ("<p>What the f**k is wrong with these people</p>", True),
    ("<p>Scunthorpe&nbsp;United won at the weekend, a cocktail of luck.</p>", False),
    ("<p>sh1t reporting</p>", True),
]


class _Text(HTMLParser):
    """The text of an HTML body, as the DOM's textContent gives it (references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def coral_url(endpoint: str, operation: str) -> str:
    """`new URL(endpoint)`, `url.pathname = path.join(url.pathname, "/" + operation)`, `?key=`."""
    url = urllib.parse.urlsplit(endpoint.strip())
    path = posixpath.normpath(f"{url.path}/{operation}")
    return urllib.parse.urlunsplit((url.scheme, url.netloc, path, urllib.parse.urlencode({"key": KEY}), ""))


def post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert r.status == 200
        return dict(json.loads(r.read()))


def coral_holds(endpoint: str, html: str) -> bool:
    """Coral's toxic phase for one comment, with its default settings."""
    model = "TOXICITY"
    body = {"comment": {"text": body_text(html)}, "doNotStore": True, "requestedAttributes": {model: {}},
            "languages": ["en"]}
    score = post(coral_url(endpoint, "comments:analyze"), body)["attributeScores"][model]["summaryScore"]["value"]
    return bool(score > THRESHOLD)


def coral_decides(endpoint: str, html: str, comment_id: str, approved: bool) -> dict[str, Any]:
    """Coral's suggestscore after a moderator's decision."""
    context = {"url": f"https://news.example/story?commentID={comment_id}", "Coral_comment_id": comment_id}
    body = {"comment": {"text": body_text(html)}, "context": {"entries": [{"text": json.dumps(context)}]},
            "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0 if approved else 1}}},
            "languages": ["en"], "communityId": "Coral:https://news.example", "clientToken": f"comment:{comment_id}"}
    return post(coral_url(endpoint, "comments:suggestscore"), body)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("coral")
    env = dict(os.environ, MODERATION_API_KEYS=KEY, MODERATION_FEEDBACK_FILE=str(folder / "feedback.jsonl"),
               PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"))
    proc, port = serve(env, folder / "serve.log")
    yield port, folder
    stop(proc)


@pytest.mark.parametrize(("html", "held"), COMMENTS)
def test_coral_holds_strong_words_and_lets_mild_ones_through(server: Any, html: str, held: bool) -> None:
    port, _ = server
    assert coral_holds(f"http://127.0.0.1:{port}/v1alpha1", html) is held


@pytest.mark.skipif(not (SHARED / "samples" / "news-article.txt").exists(), reason="needs ../shared")
def test_coral_holds_the_news_article(server: Any) -> None:
    port, _ = server
    article = (SHARED / "samples" / "news-article.txt").read_text(encoding="utf-8")
    assert coral_holds(f"http://127.0.0.1:{port}/v1alpha1/", article)  # an endpoint with a trailing slash too


def test_coral_without_the_key_is_told_as_google_tells_it(server: Any) -> None:
    port, _ = server
    url = f"http://127.0.0.1:{port}/v1alpha1/comments:analyze"
    with pytest.raises(urllib.error.HTTPError) as e:
        post(url, {"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}}})
    assert e.value.code == 403
    assert json.loads(e.value.read())["error"]["status"] == "PERMISSION_DENIED"


def test_coral_feedback_reaches_the_file_and_the_summary(server: Any) -> None:
    port, folder = server
    endpoint = f"http://127.0.0.1:{port}/v1alpha1"
    answer = coral_decides(endpoint, "<p>this is shit</p>", "c1", approved=True)
    assert answer.pop("moderation")["matches"][0]["term"] == "shit"  # our result rides along
    assert answer == {"clientToken": "comment:c1", "requestedLanguages": ["en"], "detectedLanguages": ["en"]}
    coral_decides(endpoint, "<p>what a shitshow</p>", "c2", approved=False)
    lines = (folder / "feedback.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if "comment:c" in line]
    assert [r["clientToken"] for r in records] == ["comment:c1", "comment:c2"]
    assert all("text" not in r for r in records)  # Coral sends no doNotStore: the text is not kept


def test_an_independent_perspective_client_works_unchanged(server: Any) -> None:
    port, _ = server
    client = perspective.PerspectiveAPI(KEY)
    client.api_client.url = f"http://127.0.0.1:{port}/v1alpha1/{{endpoint}}"  # its base URL, the one change
    scores = client.score("this is bullshit, you idiot", tests=["TOXICITY", "INSULT", "PROFANITY"])
    assert scores == {"TOXICITY": 0.85, "INSULT": 0.55, "PROFANITY": 0.85}
    answer = client.analyze_comment("you idiot 😀", requested_attributes={"INSULT": {}}, span_annotations=True,
                                    languages=["en"], client_token="t")
    assert answer["attributeScores"]["INSULT"]["spanScores"][0]["begin"] == 4 and answer["clientToken"] == "t"
    answer = client.suggest_score("fine", {"TOXICITY": {"summaryScore": {"value": 0.0}}})
    assert answer.pop("moderation")["flagged"] is False
    assert answer == {"requestedLanguages": [], "detectedLanguages": ["en"]}


def test_the_access_log_never_shows_the_key(server: Any) -> None:
    port, folder = server
    coral_holds(f"http://127.0.0.1:{port}/v1alpha1", "<p>hello</p>")
    log = (folder / "serve.log").read_text()
    assert KEY not in log
    assert '"query": "key=[hidden]"' in log


@pytest.mark.parametrize(("query", "shown"), [
    ("key=abc", "key=[hidden]"), ("alt=json&key=abc&x=1", "alt=json&key=[hidden]&x=1"),
    ("k%65y=abc", "k%65y=[hidden]"), ("KEY=abc", "KEY=[hidden]"), ("access_token=t", "access_token=[hidden]"),
    ("monkey=1", "monkey=1"), ("", ""),
])
def test_secret_query_parameters_are_masked(query: str, shown: str) -> None:
    from moderation.service.access_log import masked_query

    assert masked_query(query) == shown
