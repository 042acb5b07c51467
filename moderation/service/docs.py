"""The /docs page: what each route does, a request in curl, Python and JavaScript, and the answer.

The answers are real: the page is built once per worker by running each example through the
same functions the routes use, so it can never show an answer the service would not give. It is
one self-contained page (inline style and script, no CDN, no font or image to fetch); its script
puts the page's own origin in the examples and runs the "try it" form.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from moderation import __version__
from moderation.engine.moderator import Moderator
from moderation.service.checks import read_text, run
from moderation.service.perspective import PerspectiveError, analyze_answer, read_attributes, suggest_answer
from moderation.service.problems import Problem
from moderation.service.scores import HIGH, LOW

BASE = "http://localhost:8000"  # the page's script replaces it with the origin it was served from
TEMPLATE = Template((Path(__file__).with_name("docs.html")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Example:
    """One route shown with a request and its answer."""

    anchor: str
    method: str
    path: str
    what: str  # HTML: what the route is for
    body: dict[str, Any] | None
    answer: Any
    key_in_query: bool = False  # Perspective's clients send ?key=


@functools.lru_cache(maxsize=2)  # built once per version of the lists, on the first visit
def page(moderator: Moderator, max_text: int, max_items: int, with_keys: bool) -> str:
    """The whole page, for a service with these limits and (or not) API keys."""
    examples = _examples(moderator, max_text)
    toc = "".join(f'<li><a href="#{e.anchor}"><code>{e.method} {html.escape(e.path)}</code></a></li>'
                  for e in examples)
    keys = ("This service needs a key on every <code>/v1</code> and <code>/v1alpha1</code> route."
            if with_keys else "This service runs without keys now: every route is open.")
    return TEMPLATE.substitute(
        version=html.escape(__version__), toc=toc, sections="".join(_section(e, with_keys) for e in examples),
        keys_now=keys, max_text=f"{max_text:,}", max_items=f"{max_items:,}",
        problem=_json(_problem_example()), google_error=_json(_google_error_example()),
        policy_version=html.escape(moderator.version))


def _examples(moderator: Moderator, max_text: int) -> list[Example]:
    check = {"text": "What the f**k, that is sh1t.", "policy": "default"}
    batch = {"items": [{"id": "c1", "text": "Great piece, thank you."}, {"id": "c2", "text": "you idiot"}]}
    analyze = {"comment": {"text": "What the f**k 😀 you idiot"}, "requestedAttributes": {"TOXICITY": {}},
               "languages": ["en"], "doNotStore": True, "spanAnnotations": True}
    suggest = {"comment": {"text": "What the f**k 😀 you idiot"}, "languages": ["en"],
               "attributeScores": {"TOXICITY": {"summaryScore": {"value": 0}}}, "clientToken": "comment:42"}
    text = str(check["text"])
    return [
        Example("check", "POST", "/v1/check", _WHAT["check"], check,
                run(moderator, text, "default", "text/plain", "codepoints")),
        Example("batch", "POST", "/v1/check/batch", _WHAT["batch"], batch,
                {"results": [{"id": i["id"], **run(moderator, i["text"], None, "text/plain", "codepoints")}
                             for i in batch["items"]]}),
        Example("policies", "GET", "/v1/policies", _WHAT["policies"], None, _policies(moderator)),
        Example("analyze", "POST", "/v1alpha1/comments:analyze", _WHAT["analyze"], analyze,
                analyze_answer(moderator, analyze, max_text), key_in_query=True),
        Example("suggestscore", "POST", "/v1alpha1/comments:suggestscore", _WHAT["suggestscore"], suggest,
                suggest_answer(moderator, suggest, max_text), key_in_query=True),
        Example("readyz", "GET", "/readyz", _WHAT["readyz"], None, None),
        Example("metrics", "GET", "/metrics", _WHAT["metrics"], None, None),
    ]


_WHAT = {
    "check": "Checks one text. <code>content_type</code> is <code>text/plain</code> (the default), "
             "<code>text/html</code> or <code>text/markdown</code>; <code>offsets</code> is "
             "<code>codepoints</code> (the default), <code>utf16</code> (JavaScript's string indexes) or "
             "<code>bytes</code> (UTF-8). Each match names the exact span, the term, its category and "
             "severity, and the evasions undone; <code>cleaned</code> is the text masked by the policy.",
    "batch": "Checks many texts in one request, answered in order, each with its <code>id</code>. A bad "
             "item gets its own <code>error</code> (a problem object) and the others are still checked.",
    "policies": "The policies of the loaded configuration: what each counts, when it masks, sends to "
                "review or blocks, and how it masks.",
    "analyze": "Google's Perspective API, as its reference defines it: point Coral's <em>API endpoint</em> "
               "setting (or any Perspective client that lets you set its base URL) at "
               f"<code>{BASE}/v1alpha1</code>. Scores come from what matched: a mild word scores "
               f"{LOW[1]}-{HIGH[1]}, a strong one {LOW[2]}-{HIGH[2]}, a severe one {LOW[3]}-{HIGH[3]}, "
               "so Coral's default threshold "
               "(0.8) holds a comment with a strong or severe word and lets mild ones through. Spans count "
               "UTF-16 code units. Our full result rides along under <code>moderation</code>.",
    "suggestscore": "A moderator's decision, as Coral sends it. Where the operator sets "
                    "<code>MODERATION_FEEDBACK_FILE</code>, it is appended there (the comment's text only "
                    "with <code>\"doNotStore\": false</code>), and <code>moderation feedback FILE</code> "
                    "shows which terms moderators overrule.",
    "readyz": "Readiness: <code>{\"ready\": true, ...}</code> once the lists are loaded, with the outcome of "
              "the last reload of edited lists. <code>GET /healthz</code> is liveness only.",
    "metrics": "Prometheus text: requests by route and status, latency, matches by category, reload "
               "failures, summed over every worker.",
}


def _policies(moderator: Moderator) -> dict[str, Any]:
    from moderation.service.app import policy_listing  # imported here: app imports this module

    return policy_listing(moderator)


def _section(e: Example, with_keys: bool) -> str:
    url = f"{BASE}{e.path}" + ("?key=$KEY" if with_keys and e.key_in_query else "")
    bearer = with_keys and not e.key_in_query
    samples = [("curl", _curl(e, url, bearer)), ("Python", _python(e, url, bearer)),
               ("JavaScript", _javascript(e, url, bearer))]
    shown = "".join(f"<h4>{name}</h4><pre><code>{html.escape(code)}</code></pre>" for name, code in samples)
    answer = f"<h4>Answer</h4><pre><code>{_json(e.answer)}</code></pre>" if e.answer is not None else ""
    return (f'<section id="{e.anchor}"><h3><code>{e.method} {html.escape(e.path)}</code></h3>'
            f"<p>{e.what}</p>{shown}{answer}</section>")


def _curl(e: Example, url: str, bearer: bool) -> str:
    parts = [f"curl -s '{url}'"]
    if bearer:
        parts.append("-H \"Authorization: Bearer $KEY\"")
    if e.body is not None:
        parts += ["-H 'Content-Type: application/json'", f"-d '{json.dumps(e.body, ensure_ascii=False)}'"]
    return " \\\n  ".join(parts)


def _python(e: Example, url: str, bearer: bool) -> str:
    url = url.replace("$KEY", "{KEY}")
    call = f'requests.{e.method.lower()}(f"{url}"' if "{KEY}" in url else f'requests.{e.method.lower()}("{url}"'
    if e.body is not None:
        call += f", json={json.dumps(e.body, ensure_ascii=False)}"
    if bearer:
        call += ', headers={"Authorization": f"Bearer {KEY}"}'
    return f"import requests\n\nanswer = {call}, timeout=10).json()"


def _javascript(e: Example, url: str, bearer: bool) -> str:
    url = url.replace("$KEY", "${KEY}")
    headers = {"Content-Type": "application/json"} if e.body is not None else {}
    lines = [f"const answer = await fetch(`{url}`, {{", f'  method: "{e.method}",']
    if headers or bearer:
        auth = ', "Authorization": `Bearer ${KEY}`' if bearer else ""
        inner = '"Content-Type": "application/json"' if headers else ""
        lines.append(f"  headers: {{{inner}{auth}}},".replace("{, ", "{"))
    if e.body is not None:
        lines.append(f"  body: JSON.stringify({json.dumps(e.body, ensure_ascii=False)}),")
    lines.append("}).then((r) => r.json());")
    return "\n".join(lines)


def _problem_example() -> dict[str, Any]:
    """What POST /v1/check answers to a body without a text."""
    try:
        read_text({"txt": "a typo"}, 1)
    except Problem as p:
        return p.body(instance="/v1/check", request_id="3f2a9c1e0b7d4a5e0000000000000001")
    raise AssertionError("read_text took a body without a text")


def _google_error_example() -> dict[str, Any]:
    """What comments:analyze answers to an attribute it cannot score."""
    try:
        read_attributes({"requestedAttributes": {"THREAT": {}}})
    except PerspectiveError as e:
        return e.body()
    raise AssertionError("read_attributes took THREAT")


def _json(value: Any) -> str:
    return html.escape(json.dumps(value, indent=2, ensure_ascii=False))
