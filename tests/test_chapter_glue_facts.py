"""medlib.chapter.glue_facts: one call glues a report module's facts."""

import pytest

from medlib.chapter import glue_facts as module


def test_glue_facts_glues_every_key_without_display(monkeypatch):
    calls = []
    monkeypatch.setattr(module, "glue", lambda key, value, display: calls.append(
        (key, value, display)))
    module.glue_facts({"c_deep": "0.851", "verdict": "cannot be told apart"})
    assert calls == [("c_deep", "0.851", False), ("verdict", "cannot be told apart", False)]


def test_glue_facts_rejects_a_key_markdown_cannot_name(monkeypatch):
    monkeypatch.setattr(module, "glue", lambda *args, **kwargs: None)
    with pytest.raises(ValueError, match="must be an identifier"):
        module.glue_facts({"c deep": "0.851"})
