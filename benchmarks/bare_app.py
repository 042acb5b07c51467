"""The framework ceiling: a bare Flask app that parses the same JSON and answers small JSON."""

from __future__ import annotations

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/v1/check")
    def check():  # type: ignore[no-untyped-def]
        data = request.get_json()
        return jsonify({"flagged": False, "length": len(data["text"])})

    return app
