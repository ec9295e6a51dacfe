"""Every text the FAQ page (``faq``) glues, read from the chapters' published results.

The FAQ restates other chapters' results; it decides nothing itself. Its numbers are
declared once in :data:`medlib.summary.faq.FAQ_NUMBERS`; its few other texts (the
progression chapters' declared pair and their verdict on it, the large-models ladder's
weights, the treatment chapter's verdict against chance, and the image sizes the chapters
used) are read here from the same results, with the helpers the findings page uses, so that
the page's hidden glue cell is one call.
"""

from __future__ import annotations

from collections.abc import Mapping

from medlib.data.registry import medmnist_info
from medlib.summary import faq
from medlib.summary.claims import PRIMARY_PAIR, progression_sentence
from medlib.summary.findings import model_weights
from medlib.treatment.report import BenefitClaims, chance_text

#: The progression chapters the FAQ quotes, with the cohort name its sentences use.
PROGRESSION_COHORTS: dict[str, str] = {"progression_pbc": "PBC", "progression_nafld": "NAFLD"}
#: The large-models ladder's largest CNN, and the smaller one the FAQ compares it with.
LARGEST_CNN, SMALLER_CNN = "CNN w16", "CNN w1"
#: The data set whose registered file names tell the image size of every chapter's input.
IMAGE_DATASET = "pneumoniamnist"


def progression_facts(published: Mapping[str, dict]) -> dict[str, str]:
    """Each progression chapter's declared deep model and baseline, and the sentence that
    gives the chapter's verdict on that pair."""
    facts = {}
    for name, cohort in PROGRESSION_COHORTS.items():
        pair = published[name]["extras"][PRIMARY_PAIR]
        facts[f"{name}_deep"] = pair["deep"]
        facts[f"{name}_baseline"] = pair["baseline"]
        facts[f"{name}_sentence"] = progression_sentence(published[name], cohort)
    return facts


def large_models_facts(published: Mapping[str, dict]) -> dict[str, str]:
    """The largest CNN's weights and how many times those of the smaller CNN quoted beside it."""
    large = published["large_models"]
    return {"cnn_largest_weights": f"{model_weights(large, LARGEST_CNN):,}",
            "cnn_weight_ratio":
                f"{model_weights(large, LARGEST_CNN) / model_weights(large, SMALLER_CNN):.0f}"}


def treatment_facts(published: Mapping[str, dict]) -> dict[str, str]:
    """The treatment chapter's declared learner and its recorded verdict against chance."""
    claims = BenefitClaims.from_records(published["treatment_benefit"]["extras"]["claims"])
    return {"treatment_learner": claims.against_chance.subject,
            "treatment_chance_text": chance_text(claims.against_chance),
            "treatment_chance_short": f"{claims.against_chance.verb} chance"}


def image_sizes_text(published: Mapping[str, dict]) -> str:
    """"28 and 64": the image sides of the registered data files that the chapters read."""
    pixels = {f.file_name: f.size for f in medmnist_info(IMAGE_DATASET).files.values()}
    sizes = {pixels[f] for chapter in published.values() for f in chapter.get("data", {})
             if f in pixels}
    return " and ".join(map(str, sorted(sizes)))


def page_facts(published: Mapping[str, dict]) -> dict[str, str]:
    """Every text the page's Markdown glues, by glue key (``published``: the results of
    every chapter in :func:`medlib.summary.faq.chapters_used`)."""
    return {**faq.faq_texts(dict(published)), **progression_facts(published),
            **large_models_facts(published), **treatment_facts(published),
            "image_sizes": image_sizes_text(published)}
