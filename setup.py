"""The build: the engine's hot modules compiled to C by mypyc, else the same modules as Python.

A wheel (`pip install .`, the image) compiles them where a C compiler is at hand and keeps them as
Python where none is (a warning says so; `moderation --version` tells which). An editable install
(`pip install -e .`) stays Python, so that an edit takes effect without a rebuild; so does any build
with MODERATION_PURE_PYTHON=1. Everything else is in pyproject.toml.
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

# What every check runs through, character by character and token by token, and the reading of
# markup, the entries a hit names (entry.py), and what a check's hits become (masking.py, answer.py: the
# Match and Result it makes stay Python, result.py);
# the rest (the build of a moderator, the Moderator, the faces) stays Python, and so may be patched
# and subclassed. BENCHMARKS.md has what compiling gains. Their module constants are Final: compiled
# code reads a Final where it lies, any other global by name from its module's dict at each use.
COMPILED = [
    "moderation/engine/normalize.py",
    "moderation/engine/offsets.py",
    "moderation/engine/context.py",
    "moderation/engine/dots.py",
    "moderation/engine/readings.py",
    "moderation/engine/matcher.py",
    "moderation/engine/automaton.py",
    "moderation/engine/answer.py",
    "moderation/engine/entry.py",
    "moderation/engine/masking.py",
    "moderation/markup/visible.py",
    "moderation/markup/html.py",
    "moderation/markup/markdown.py",
]


def compiled_modules() -> list[Extension]:
    # Only a command that builds a wheel compiles: metadata, sdists and editable installs do not.
    if not {"bdist_wheel", "build_ext"} & set(sys.argv) or os.environ.get("MODERATION_PURE_PYTHON") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # a build without its requirements (--no-build-isolation and no mypy)
        print("warning: mypyc is not installed: the engine is built as Python", file=sys.stderr)
        return []
    # The build's environment holds mypy, not the runtime dependencies: their types are unknown
    # here (compiled as Any, which is correct, only slower), and the strict check is CI's (mypy).
    options = ["--ignore-missing-imports", "--no-warn-return-any"]
    extensions: list[Extension] = mypycify(options + COMPILED, opt_level="3", group_name="moderation.engine")
    for extension in extensions:
        extension.optional = True  # no compiler: a warning, and these modules run as Python
    return extensions


class BuildPy(build_py):
    """A wheel carries the bundled lists inside the package; a checkout reads them from wordlists/."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "moderation" / "wordlists"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree("wordlists", target)


setup(ext_modules=compiled_modules(), cmdclass={"build_py": BuildPy})
