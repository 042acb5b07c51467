"""Files and folders: the batch CLI's machinery over the engine.

Open `runner.py` first: it discovers the inputs, checks them in order over worker processes
and writes cleaned copies so that nothing is lost. `documents` reads text, HTML, Markdown,
JSONL and CSV into items; `report` renders the results as text, JSON or JSONL.
"""
