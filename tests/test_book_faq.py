"""The FAQ page: every number it quotes is declared once and published by its chapter."""

import re

import nbformat

from medlib.book.params import requirements
from medlib.book.paths import NOTEBOOKS_DIR, RESULTS_DIR
from medlib.chapter.results import load_results
from medlib.summary import faq


def test_every_faq_number_is_published():
    published = load_results(RESULTS_DIR)
    texts = faq.faq_texts(published)
    assert set(texts) == set(faq.FAQ_NUMBERS)
    assert all(re.match(r"[\d.,e-]+", text) for text in texts.values())
    table = faq.sources_table(published)
    assert len(table) == len(faq.FAQ_NUMBERS)
    entries = faq.faq_entries(published)
    assert [name[0] for name, _ in entries] == [c for c, _ in faq.FAQ_NUMBERS.values()]


def test_faq_needs_every_chapter_it_reads():
    assert set(faq.chapters_used()) <= set(requirements("faq"))


def test_every_glued_name_in_the_prose_is_glued():
    notebook = nbformat.read(NOTEBOOKS_DIR / "faq.ipynb", as_version=4)
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    used = set(re.findall(r"\{glue:text\}`([^`]+)`", prose))
    extra = {f"{name}_{kind}" for name in ("progression_pbc", "progression_nafld")
             for kind in ("deep", "baseline", "sentence")} | {
        "cnn_largest_weights", "cnn_weight_ratio", "treatment_learner", "treatment_chance_text",
        "treatment_chance_short", "image_sizes"}
    assert used and used <= set(faq.FAQ_NUMBERS) | extra
