"""The engine: text in, matches out. It knows nothing of HTTP, files or the command line.

Open `moderator.py` first: the Moderator loads the lists (`wordlists`) and policies (`policy`),
folds a text to its skeleton (`normalize`, with the generated `_unicode_table`), finds terms in
one pass (`matcher`, over the automata of `automaton`, reading evasions with `readings`), masks
them (`masking`) and converts offsets for other units (`offsets`).
"""


def compiled() -> bool:
    """Whether the hot modules run compiled (setup.py builds them with mypyc) or as Python."""
    from moderation.engine import readings

    return not readings.__file__.endswith(".py")
