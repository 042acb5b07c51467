"""The benchmark corpus: every English file of Debian's fortunes packages, one text per fortune."""

from __future__ import annotations

from pathlib import Path

FORTUNES = Path("/usr/share/games/fortunes")


def fortunes() -> list[str]:
    """Each fortune of the English files (no .dat/.u8 companions, no offensive subfolder)."""
    if not FORTUNES.is_dir():
        raise SystemExit(f"{FORTUNES} is missing: apt-get install fortunes fortunes-min")
    texts: list[str] = []
    for path in sorted(FORTUNES.iterdir()):
        if path.is_file() and not path.suffix:
            body = path.read_text(encoding="utf-8", errors="replace")
            texts.extend(t for t in body.split("\n%\n") if t.strip())
    return texts
