"""HTML and Markdown: the golden cases of tests/cases/{html,markdown}.txt, and the properties
that hold for any document (offsets into the source, cleaned copy equal outside the masks)."""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from moderation import Moderator
from moderation.cli import main
from moderation.engine.masking import MaskRule
from moderation.engine.policy import Policy
from moderation.markup import Visible, extract, html
from moderation.service import create_app
from tests.golden import Document, load_documents


@pytest.fixture(scope="module")
def markup_moderator(moderator: Moderator) -> Moderator:
    """The bundled lists, with a policy that skips code and one that masks with symbols."""
    policies = {**moderator.config.policies, "nocode": Policy(name="nocode", check_code=False),
                "grawlix": Policy(name="grawlix", mask=MaskRule("grawlix"))}
    return Moderator(dataclasses.replace(moderator.config, policies=policies), moderator.lists, moderator.version)


def _params(name: str, content_type: str) -> list[object]:
    return [pytest.param(content_type, d, id=f"{d.where} {d.label}") for d in load_documents(name)]


@pytest.mark.parametrize(("content_type", "doc"), _params("html.txt", "text/html") +
                         _params("markdown.txt", "text/markdown"))
def test_document(markup_moderator: Moderator, content_type: str, doc: Document) -> None:
    result = markup_moderator.check(doc.source, policy=doc.policy, content_type=content_type)
    for m in result.matches:
        assert doc.source[m.start : m.end] == m.text
    assert [(m.text, m.term) for m in result.matches] == list(doc.expected)
    assert result.cleaned == doc.cleaned
    assert result.content_type == content_type


# Properties. Documents are drawn from a small grammar of words (some profane, some innocent
# with profane insides) wrapped in markup; the checks compare our cleaned copy with the source
# through independent parsers: the standard library's HTML tokenizer, and markdown-it-py.

WORDS = ["fuck", "shit", "bitch", "hello", "class", "cocktail", "Scunthorpe", "assignment", "the", "f u c k"]


def _html_word(word: str, draw: st.DrawFn) -> str:
    """A word whose letters may be written as references or wrapped in inline tags."""
    out = []
    for c in word:
        form = draw(st.sampled_from(["plain", "plain", "plain", "decimal", "hex", "tag"]))
        if form == "decimal":
            out.append(f"&#{ord(c)};")
        elif form == "hex":
            out.append(f"&#x{ord(c):x};")
        elif form == "tag":
            out.append(f"<b>{c}</b>")
        else:
            out.append(c)
    return "".join(out)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    def words() -> str:
        return " ".join(_html_word(w, draw) for w in draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))

    def plain_words() -> str:
        return " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)))

    blocks = {
        "p": lambda: f"<p>{words()}</p>",
        "li": lambda: f"<ul><li>{words()}</li><li>{words()}</li></ul>",
        "br": lambda: f"{words()}<br>{words()}",
        "img": lambda: f'<img src="/fuck.png" alt="{plain_words()}" class="shit">',
        "a": lambda: f"<a href='/shit?a=1&amp;b=2' title=\"{plain_words()}\">{words()}</a>",
        "comment": lambda: f"<!-- {plain_words()} -->{words()}",
        "script": lambda: f"<script>var x = '{plain_words()}';</script>",
        "spaces": lambda: f"<div>\n  {words()}\n  {words()}\n</div>",
    }
    kinds = draw(st.lists(st.sampled_from(sorted(blocks)), min_size=1, max_size=5))
    return draw(st.sampled_from(["", "\n", "\n\n"])).join(blocks[k]() for k in kinds)


class _Events(HTMLParser):
    """The tokens a browser-like tokenizer reads: tags, attributes, comments and text."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, ...]] = []
        self.feed(document)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, *(f"{k}={v}" for k, v in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.events.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))


def _same_but_masked(source_html: str, cleaned_html: str) -> None:
    """The two parse to the same tokens, except for characters the cleaned one masks (`*`)."""
    before, after = _Events(source_html).events, _Events(cleaned_html).events
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert len(old) == len(new)
        for a, b in zip(old, new, strict=True):
            assert len(a) == len(b) and all(x == y or y == "*" for x, y in zip(a, b, strict=True)), (a, b)


@settings(max_examples=300, deadline=None)
@given(html_documents())
def test_cleaned_html_parses_to_the_same_tree(markup_moderator: Moderator, document: str) -> None:
    result = markup_moderator.check(document, content_type="text/html")
    _same_but_masked(document, result.cleaned)
    if not result.matches:
        assert result.cleaned == document


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    def words() -> str:
        chosen = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
        forms = ["{}", "{}", "**{}**", "*{}*", "`{}`", "[{}](/fuck-you 'x')", "&#102;{}"]
        return " ".join(draw(st.sampled_from(forms)).format(w) for w in chosen)

    blocks = [lambda: words(), lambda: f"# {words()}", lambda: f"- {words()}\n- {words()}",
              lambda: f"> {words()}", lambda: f"```\n{words()}\n```", lambda: f"{words()}\n{words()}",
              lambda: f"| a | {words()} |\n|---|---|\n| {words()} | b |"]
    chosen = draw(st.lists(st.integers(0, len(blocks) - 1), min_size=1, max_size=5))
    return "\n\n".join(blocks[i]() for i in chosen)


@settings(max_examples=300, deadline=None)
@given(markdown_documents())
def test_cleaned_markdown_renders_to_the_same_tree(markup_moderator: Moderator, document: str) -> None:
    result = markup_moderator.check(document, content_type="text/markdown")
    render = MarkdownIt("commonmark").enable("table").render
    _same_but_masked(render(document), render(result.cleaned))
    if not result.matches:
        assert result.cleaned == document


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&;#x/!-=\"' \n*_`[]()|fuckshit&amp;")), max_size=60),
       st.sampled_from(["text/html", "text/markdown"]))
def test_any_markup_is_read_without_error(markup_moderator: Moderator, document: str, content_type: str) -> None:
    """Malformed markup never raises; every span is where it says, in order, apart."""
    result = markup_moderator.check(document, content_type=content_type)
    at = 0
    for m in result.matches:
        assert at <= m.start < m.end <= len(document)
        assert document[m.start : m.end] == m.text
        at = m.end


def _consistent(visible: Visible) -> None:
    """Every piece shows its source (as is when literal), in order; between pieces only
    block separators."""
    p = visible.pieces
    covered = 0
    for i in range(len(p.starts)):
        shown = visible.text[p.starts[i] : p.stops[i]]
        assert p.starts[i] >= covered and not visible.text[covered : p.starts[i]].strip()
        if p.literal[i]:
            assert shown == visible.source[p.sources[i] : p.ends[i]]
        covered = p.stops[i]
    assert not visible.text[covered:].strip()


@settings(max_examples=400, deadline=None)
@given(st.one_of(html_documents(), st.text(alphabet=st.sampled_from(list("<>&;#x/!-=\"' \n*_`[]()|fuckshit&amp;\x00")),
                                            max_size=60)), st.booleans())
def test_html_piece_map_matches_the_visible_text(document: str, skip_code: bool) -> None:
    """The map worked out late agrees with the text read early, in every document."""
    _consistent(extract(document, "text/html", skip_code=skip_code))


@settings(max_examples=200, deadline=None)
@given(markdown_documents())
def test_markdown_piece_map_matches_the_visible_text(document: str) -> None:
    _consistent(extract(document, "text/markdown"))


def test_html_reads_the_same_once_its_token_cache_is_full(markup_moderator: Moderator,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Past CACHE_SIZE distinct tags nothing more is kept, and every case still reads the same."""
    monkeypatch.setattr(html, "CACHE_SIZE", 0)
    monkeypatch.setattr(html, "_shown_cache", {})
    monkeypatch.setattr(html, "_spoken_cache", {})
    monkeypatch.setattr(html, "_speaking", set())
    for doc in load_documents("html.txt"):
        result = markup_moderator.check(doc.source, policy=doc.policy, content_type="text/html")
        assert [(m.text, m.term) for m in result.matches] == list(doc.expected), doc.where
        assert result.cleaned == doc.cleaned, doc.where
    assert html._shown_cache == {}


def test_the_service_checks_markup_with_offsets_into_the_source() -> None:
    """content_type over HTTP: offsets into the markup as sent (code points, UTF-16 units or
    bytes), the cleaned markup, and the content type applied, per batch item too."""
    client = create_app().test_client()
    page = "<p>😀 <b>fu</b>ck</p>"
    body = client.post("/v1/check", json={"text": page, "content_type": "text/html"}).get_json()
    assert body["content_type"] == "text/html"
    assert [(m["start"], m["end"], m["text"]) for m in body["matches"]] == [(8, 16, "fu</b>ck")]
    assert body["cleaned"] == "<p>😀 <b>f*</b>**</p>"
    utf16 = client.post("/v1/check", json={"text": page, "content_type": "text/html", "offsets": "utf16"})
    assert [(m["start"], m["end"]) for m in utf16.get_json()["matches"]] == [(9, 17)]
    batch = client.post("/v1/check/batch", json={"content_type": "text/markdown", "items": [
        {"id": "md", "text": "**fu**ck"}, {"id": "html", "text": "f&#117;ck", "content_type": "text/html"},
        {"id": "plain", "text": "f&#117;ck", "content_type": "text/plain"}]}).get_json()
    assert [(r["id"], r["content_type"], r["cleaned"]) for r in batch["results"]] == [
        ("md", "text/markdown", "**f\\***\\*\\*"), ("html", "text/html", "f***"), ("plain", "text/plain", "f&#117;ck")]


def _cli(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["check", *args], input=input)


def test_the_cli_reads_html_and_markdown_by_extension(tmp_path: Path) -> None:
    """.html and .md files are read as markup: file:line:col into the source, and --in-place
    rewrites only the masked characters."""
    page = tmp_path / "site" / "post.html"
    page.parent.mkdir()
    page.write_text('<p class="fuck">\nWhat the <b>fu</b>ck</p>\n<!-- shit -->\n', encoding="utf-8")
    (tmp_path / "site" / "notes.md").write_text("---\ntitle: shit\n---\n\n[a bitch](https://x.org/cunt)\n",
                                                encoding="utf-8")
    r = _cli(str(tmp_path / "site"))
    assert r.exit_code == 1, r.stderr
    assert r.stdout.splitlines() == [
        f"{tmp_path / 'site' / 'notes.md'}:5:4: 'bitch' bitch (insult, severity 2)",
        f"{page}:2:13: 'fu</b>ck' fuck (profanity, severity 3)",
    ]
    r = _cli(str(page), "--in-place", "--backup-suffix", ".orig")
    assert page.read_text(encoding="utf-8") == '<p class="fuck">\nWhat the <b>f*</b>**</p>\n<!-- shit -->\n'
    assert (tmp_path / "site" / "post.html.orig").read_text(encoding="utf-8").startswith('<p class="fuck">')


def test_the_cli_reads_items_and_stdin_as_markup_when_asked(tmp_path: Path) -> None:
    export = tmp_path / "posts.jsonl"
    export.write_text(json.dumps({"id": 1, "body": "<p>sh<i>it</i></p>"}) + "\n", encoding="utf-8")
    r = _cli(str(export), "--field", "body", "--content-type", "text/html", "--format", "jsonl")
    (record,) = [json.loads(line) for line in r.stdout.splitlines()]
    assert (record["content_type"], record["cleaned"]) == ("text/html", "<p>s*<i>**</i></p>")
    assert _cli(str(export), "--field", "body", "--format", "jsonl").exit_code == 0  # as plain text: nothing
    r = _cli("-", "--as", "markdown", "--format", "json", input="**fu**ck\n")
    assert json.loads(r.stdout)[0]["matches"][0]["text"] == "fu**ck"


PATHOLOGICAL = {  # each read in quadratic (or exponential) time by an earlier reader
    "brackets": "[" * 50_000, "words in brackets": "a[" * 25_000,
    "emphasis of two kinds": "*a " * 15_000 + "b_ " * 15_000,
    "strikes": "~a " * 15_000 + "b~~ " * 15_000, "unclosed tags": "<a " * 20_000,
    "unclosed quotes": '<a title="' * 8_000, "backtick runs": " ".join("`" * (i % 40 + 1) for i in range(8_000)),
    "a tag without its end": "<i " + "h\\7- 6b:4 " * 5_000,
}


@pytest.mark.parametrize("document", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
@pytest.mark.parametrize("content_type", ["text/html", "text/markdown"])
def test_pathological_markup_is_read(markup_moderator: Moderator, document: str, content_type: str) -> None:
    """Inputs that made a reader take minutes (or hours) now take a blink; a regression shows as
    a suite that does not finish."""
    result = markup_moderator.check(document, content_type=content_type)
    assert result.cleaned == document and not result.matches


def test_a_long_tag_is_read_but_not_remembered(markup_moderator: Moderator) -> None:
    """A tag past CACHED_LENGTH (an image inlined as a data: URL) is one of a kind: kept, a
    server's cache would only grow. Its spoken attributes are read all the same."""
    tag = f'<img alt="what the fuck" src="data:image/png;base64,{"A" * 2000}">'
    result = markup_moderator.check(f"<p>fine</p>{tag}", content_type="text/html")
    assert [m.text for m in result.matches] == ["fuck"] and tag not in html._shown_cache
    assert result.cleaned == f"<p>fine</p>{tag.replace('fuck', 'f***')}"
