"""The code constants that the book's prose states as typed numbers.

``tests/typed_numbers_allowed.yml`` lets the prose type a number when it describes a
constant of the code (an architecture, a default of the training recipe, a chapter's target
fixed in its code and results file). Each such entry names a test here that checks the value
the prose states, so a change of the code that the prose does not follow fails here rather
than leaving the page stale. Reading a default needs no training and no data.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

REPO = Path(__file__).resolve().parents[1]


def code_of(chapter: str) -> str:
    """The code cells of ``notebooks/<chapter>.ipynb``, joined."""
    path = REPO / "notebooks" / f"{chapter}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def extras_of(chapter: str) -> dict:
    """The ``extras`` of the published results file ``book/results/<chapter>.json``."""
    return json.loads((REPO / "book" / "results" / f"{chapter}.json").read_text())["extras"]


def default_in_source(path: str, function: str, argument: str) -> object:
    """A keyword default of a function, read from its source without importing the module
    (the Keras models: importing TensorFlow would cost this cheap test seconds)."""
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            names = [a.arg for a in node.args.args]
            defaults = dict(zip(names[len(names) - len(node.args.defaults):], node.args.defaults,
                                strict=True))
            return ast.literal_eval(defaults[argument])
    raise LookupError(f"{function} not in {path}")


def default(function: object, argument: str) -> object:
    return inspect.signature(function).parameters[argument].default


# --- Networks (cnn_diagnosis, cnn_beyond, efficiency, interpretability, large_models) ---------

def test_seed_cnn_layers_are_the_ones_the_prose_lists():
    """cnn_diagnosis: three 3 × 3 convolutions with 32, 64 and 128 filters, each followed by
    2 × 2 max-pooling, a 1,024-unit dense layer; input 224 × 224 × 3 in the seed."""
    from medlib.models.cnn_torch import SeedCNN

    net = SeedCNN(1, 1, 28)
    convs = [net.conv1, net.conv2, net.conv3]
    assert [c.out_channels for c in convs] == [32, 64, 128]
    assert all(c.kernel_size == (3, 3) for c in convs)
    assert net.dense1.out_features == 1024
    # 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5 -> conv 3 -> pool 1: 2 x 2 pooling each time
    assert net.dense1.in_features == 128 * 1 * 1
    assert default_in_source("medlib/models/cnn.py", "seed_cnn", "input_shape") == (224, 224, 3)


def test_improved_cnn_layers_are_the_ones_the_prose_lists():
    """cnn_beyond, efficiency, pretraining, large_models: a 3 × 3 stem, stages of 16, 32 and
    64 channels (width 16), 2 × 2 max-pooling between stages; interpretability: the last
    stage's maps are a quarter of the image's side."""
    from medlib.models.cnn_torch import ImprovedCNN

    assert default(ImprovedCNN, "widths") == (16, 32, 64)
    assert default_in_source("medlib/models/cnn.py", "improved_cnn", "widths") == (16, 32, 64)
    net = ImprovedCNN(1, 1).eval()
    assert net.stem.kernel_size == (3, 3)
    with torch.no_grad():
        for side in (28, 64):
            assert net.features(torch.zeros(1, 1, side, side)).shape[-2:] == (side // 4, side // 4)


def test_twin_and_distributed_tolerances_are_the_ones_the_prose_states():
    """cnn_beyond: the Keras and torch twins agree to 1e-5; scaling: DDP equals one process
    to 1e-5 (relative)."""
    assert "atol=1e-5" in (REPO / "tests" / "test_cnn_twins.py").read_text()
    assert "rtol=1e-5" in (REPO / "tests" / "test_distributed.py").read_text()


# --- The training recipe of cnn_beyond -----------------------------------------------------

def test_training_recipe_defaults_are_the_ones_the_recipe_table_states():
    """AdamW weight decay 1e-4; one-cycle warm-up over the first 20% of steps, annealed to
    almost zero; augmentation ±8% shift, ±10°, ±10% scale, contrast ×0.8–1.2, brightness
    ±0.1, no flips; test-time views: identity, four one-pixel shifts and ±5°."""
    from medlib.data.augment import TTA_VIEWS, RandomAffineContrast
    from medlib.train.torch_loop import TrainRecipe, _lr_scheduler

    recipe = TrainRecipe(epochs=10)
    assert recipe.weight_decay == 1e-4
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate)
    scheduler = _lr_scheduler(optimizer, recipe, steps_per_epoch=10)
    rates = []
    for _ in range(100):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    assert int(np.argmax(rates)) in (19, 20)  # the peak after 20% of the 100 steps
    assert rates[-1] < 1e-3 * recipe.learning_rate  # annealed to almost zero
    augment = RandomAffineContrast()
    assert (augment.max_shift, augment.max_rotation_deg, augment.max_scale) == (0.08, 10.0, 0.10)
    assert (1 - augment.contrast, 1 + augment.contrast) == pytest.approx((0.8, 1.2))
    assert augment.brightness == 0.1 and augment.horizontal_flip is False
    assert TTA_VIEWS[0] == (0.0, 0.0, 0.0)
    shifts = [v for v in TTA_VIEWS if v[0] == 0.0 and v != (0.0, 0.0, 0.0)]
    assert sorted(shifts) == sorted([(0.0, s / 28, 0.0) for s in (1, -1)]
                                    + [(0.0, 0.0, s / 28) for s in (1, -1)])
    assert sorted(v[0] for v in TTA_VIEWS if v[0]) == [-5.0, 5.0]


def test_step_decay_is_the_medmnist_protocol_the_prose_quotes():
    """cnn_beyond, cnn_diagnosis, optimizers: ×0.1 at 50% and 75% of the epochs."""
    from medlib.optim.schedules import StepDecay

    decay = StepDecay.medmnist(1.0, epochs=20)
    assert [decay(e) for e in (0, 9, 10, 14, 15, 19)] == pytest.approx(
        [1.0, 1.0, 0.1, 0.1, 0.01, 0.01])


def test_calibration_bins_and_cost_batches_are_the_ones_the_prose_states():
    """cnn_beyond: ECE in 15 equal-width bins; cnn_beyond and efficiency: latency of a batch
    of 1, throughput in batches of 256; efficiency: the profiler reads one batch of 256."""
    from medlib.efficiency.cost import torch_inference_cost
    from medlib.metrics.multiclass import expected_calibration_error

    assert default(expected_calibration_error, "n_bins") == 15
    assert default(torch_inference_cost, "batch_size") == 256
    assert "one = images[:1]" in inspect.getsource(torch_inference_cost)
    assert 'x["test"][:256]' in code_of("efficiency")


# --- Targets that chapters state --------------------------------------------------------------

def test_the_chapters_targets_are_the_ones_their_code_applies_and_records():
    """cnn_beyond and pretraining: the targets they record are the ones they declare
    (``target_auroc``, ``target_accuracy`` in params.yml; the prose glues them); efficiency:
    at least four times smaller with an AUROC within 0.005."""
    profiles = yaml.safe_load((REPO / "notebooks" / "params.yml").read_text(encoding="utf-8"))
    for chapter, key in (("cnn_beyond", "targets"), ("pretraining", "target")):
        declared = profiles[chapter]["book"]
        recorded = extras_of(chapter)[key]
        assert (recorded["auroc_at_least"], recorded["accuracy_at_least"]) == (
            declared["target_auroc"], declared["target_accuracy"])
        assert "target_auroc: float" in code_of(chapter)
    assert "min_factor=4, max_auroc_drop=0.005" in code_of("efficiency")


def test_the_medmnist_protocol_length_is_the_one_the_results_record():
    """cnn_diagnosis: the protocol's 100 epochs, recorded beside the run's own."""
    assert extras_of("cnn_diagnosis")["training"]["protocol_epochs"] == 100


# --- Interpretability, pretraining, large models, robustness, scaling ---------------------------

def test_attribution_constants_are_the_ones_the_prose_states():
    """interpretability: occlusion with a 4 × 4 patch; failing above a rank correlation of 0.5."""
    from medlib.trust.attributions import SANITY_THRESHOLD, occlusion

    assert default(occlusion, "patch") == 4
    assert SANITY_THRESHOLD == 0.5


def test_contrastive_views_and_projection_are_the_ones_the_prose_states():
    """pretraining: shift up to 12% of the side, tilt up to 15°, zoom ±20%, projection to 32
    numbers (the notebook keeps the default)."""
    from medlib.pretraining.contrastive import CONTRASTIVE_VIEWS, PretrainRecipe

    views = CONTRASTIVE_VIEWS
    assert (views.max_shift, views.max_rotation_deg, views.max_scale) == (0.12, 15.0, 0.2)
    assert views.horizontal_flip is False
    assert PretrainRecipe().projection_dim == 32
    assert "projection_dim" not in code_of("pretraining")


def test_the_large_image_transformer_uses_vit_b16_patches():
    """large_models: at 224 pixels 16-pixel patches, as ViT-B/16, so 196 tokens."""
    from medlib.scale.ladders import PATCH_AT_224

    assert PATCH_AT_224 == 16 and (224 // PATCH_AT_224) ** 2 == 196


def test_privacy_recipe_and_corruption_levels_are_the_ones_the_prose_states():
    """robustness: DP-SGD with batch 256 and clipping norm 1; corruption severities 1 to 3,
    3 the strongest."""
    from medlib.trust.privacy import fit_private
    from medlib.trust.robustness import SEVERITIES

    assert default(fit_private, "batch_size") == 256
    assert default(fit_private, "max_grad_norm") == 1.0
    assert all(len(levels) == 3 for levels in SEVERITIES.values())


def test_the_resnet50_sized_gradient_is_the_one_the_prose_states():
    """scaling: 25.6 M parameters, 102 MB as float32."""
    assert '"ResNet-50-sized": 25.6e6 * 4' in code_of("scaling")
    assert round(25.6e6 * 4 / 1e6) == 102


# --- Optimizers ---------------------------------------------------------------------------------

def test_optimizer_constants_are_the_ones_the_prose_states():
    """optimizers: parity on 50 parameters at a learning rate of 2⁻⁷, the tests demand 10⁻⁶;
    a run past 10⁶ counts as diverged; the grid's rule "momentum 0.9"; SGD at 0.01, RMSProp
    and Adam at 0.001."""
    from medlib.optim.convex import run_rule
    from medlib.optim.parity import PARITY_LR, parity_errors, parity_table

    assert default(parity_errors, "n_params") == 50
    assert "n_params" not in inspect.getsource(parity_table)
    assert PARITY_LR == 2.0**-7
    assert re.search(r"^TOLERANCE = 1e-6$", (REPO / "tests" / "test_optim.py").read_text(), re.M)
    assert default(run_rule, "divergence") == 1e6
    code = code_of("optimizers")
    assert '"momentum 0.9": convex.Contender(rules.Momentum(0.9))' in code
    for line in ("keras.optimizers.SGD(learning_rate=0.01)",
                 "keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)",
                 "keras.optimizers.RMSprop(learning_rate=0.001)",
                 "keras.optimizers.Adam(learning_rate=0.001)"):
        assert line in code


def test_float32_rounding_is_the_one_the_prose_quotes():
    """optimizers: 0.9 becomes 0.89999998 in float32; 0.875 and 2⁻⁷ are exact."""
    assert f"{np.float32(0.9):.8f}" == "0.89999998"
    assert float(np.float32(0.875)) == 0.875 and float(np.float32(2.0**-7)) == 2.0**-7


def test_the_breast_cancer_table_is_the_one_the_prose_describes():
    """optimizers: 569 aspirates, 30 features, 212 malignant (label 0 in scikit-learn)."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    assert data.data.shape == (569, 30)
    assert int((data.target == 0).sum()) == 212 and data.target_names[0] == "malignant"
    assert math.log(2) < 1  # f(0) - f* <= log 2: a run "starts below 1"


# --- Foundations --------------------------------------------------------------------------------

def prose_of(chapter: str) -> str:
    """The Markdown cells of ``notebooks/<chapter>.ipynb``, joined."""
    path = REPO / "notebooks" / f"{chapter}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def test_foundations_examples_are_the_code_the_prose_describes():
    """foundations: the vertical-edge kernel weighs the left column +1, +2, +1 and the right
    one −1, −2, −1; the time encoding's periods run from one month to 20 years (the model
    keeps the default); the crash table's input is 4 patients × 6 visits × 512 features, the
    source's own d_model."""
    from medlib.foundations import reference, seed_attention
    from medlib.foundations.feature_maps import SOBEL_KERNELS
    from medlib.models import attention

    vertical = SOBEL_KERNELS["vertical edges"]
    assert vertical[:, 0].tolist() == [1, 2, 1] and vertical[:, 2].tolist() == [-1, -2, -1]
    for module in (attention, reference):
        assert default(module.time_encoding, "max_period") == 20.0
        assert "log10(1 / 12)" in inspect.getsource(module.time_encoding)
    assert "max_period" not in inspect.getsource(attention.VisitSelfAttention)
    assert seed_attention.SOURCE_D_MODEL == 512
    assert "Attention(d_model=512)" in seed_attention.source_text()
    assert "crash_table(torch.zeros(4, 6, seed_attention.SOURCE_D_MODEL))" in code_of("foundations")


def test_the_source_attention_lines_are_the_ones_the_foundations_prose_names():
    """foundations: the page shows the source's attention class with line numbers
    (literalinclude of medlib/foundations/seed_attention.txt, :linenos:); each line the bug
    list names holds the statement it describes, and the listing highlights those lines."""
    from medlib.foundations.seed_attention import SOURCE_FILE

    lines = SOURCE_FILE.read_text(encoding="utf-8").splitlines()
    line = {n: lines[n - 1].strip() for n in range(1, len(lines) + 1)}
    assert line[2].startswith("from torch.nn import") and "LayerNorm" in line[2]
    assert line[4] == "class Attention(Layer):"
    assert line[10] == "self.scaling = d_model ** -0.5" and line[18] == "x = x * self.scaling"
    assert line[11] == "self.linear1 = Linear(d_model, d_model)"
    assert line[13] == "self.dropout1 = Dropout(dropout)"
    assert line[14] == "self.dropout2 = Dropout(dropout)"
    assert line[15] == (
        "self.multihead_attention = MultiheadAttention(d_model, nhead, dropout=dropout)")
    assert line[21] == "x = self.multihead_attention(x, x, x)"
    assert line[22] == "x = self.linear2(x)"
    prose = prose_of("foundations")
    assert "```{literalinclude} ../medlib/foundations/seed_attention.txt\n" in prose
    assert ":linenos:\n:emphasize-lines: 2, 4, 10, 13, 14, 15, 18, 21\n" in prose


# --- Progression, progression benchmarks, treatment benefit -------------------------------------

def test_survival_horizons_are_the_ones_the_progression_prose_states():
    """progression: the time-dependent AUC at 1, 3, 5 and 10 years and the calibration error
    at 5 years (defaults of survival_metrics, which the notebook keeps); the calibration
    figure and the one patient's risks are at 5 years too."""
    from medlib.metrics.survival import survival_metrics

    assert default(survival_metrics, "horizons") == (1, 3, 5, 10)
    assert default(survival_metrics, "calibration_horizon") == 5.0
    from medlib.survival import progression_report

    code = code_of("progression")
    assert "horizons=" not in code and "calibration_horizon" not in code
    assert "horizon=5.0" in code
    # the calibration figure's facts are built in the chapter's report module
    assert ".survival_fn(np.array([5.0]))[:, 0], 5.0)" in inspect.getsource(progression_report)


def test_benchmark_protocol_constants_are_the_ones_the_prose_states():
    """progression_benchmarks: at most 30 evaluation times, the test deaths between the 25th
    and 75th percentiles (the aorsf benchmark's grid); 3-fold inner cross-validation on the
    small PBC sets."""
    from medlib.metrics.benchmark_scores import MAX_EVALUATION_TIMES, evaluation_times

    assert MAX_EVALUATION_TIMES == 30
    assert "[0.25, 0.75]" in inspect.getsource(evaluation_times)
    from medlib.survival import benchmark_learners

    code = code_of("progression_benchmarks")
    assert "benchmark_models(forest_trees, network_max_epochs, None, 3, forest_min_leaf)" in code
    assert "inner_folds=inner_folds" in inspect.getsource(benchmark_learners)


def test_the_interaction_power_is_the_one_the_treatment_prose_states():
    """treatment_benefit: events for 80% power at two-sided 5% (defaults of
    interaction_events, which power_for_interaction keeps)."""
    from medlib.treatment.evaluate import power_for_interaction
    from medlib.treatment.power import interaction_events

    assert default(interaction_events, "alpha") == 0.05
    assert default(interaction_events, "power") == 0.8
    assert "interaction_events(delta_log_hr)" in inspect.getsource(power_for_interaction)


# --- Findings and FAQ ---------------------------------------------------------------------------

def test_the_summary_pages_read_the_metrics_their_prose_names():
    """findings, faq: the label shares (1%, 10%), the attack's ε = 4/255, the privacy budget
    ε = 1 and the pruning of 90% (+ int8) that the prose names are in the names of the
    published metrics whose glued values stand beside them, read by those names."""
    from medlib.summary.faq import FAQ_NUMBERS

    named = {
        "finetuned_1pct": ("pretraining", "test AUROC::fine-tuned::1% of labels"),
        "labels_10pct": ("labelling", "AUROC::10% of labels"),
        "pgd_standard": ("robustness", "PGD AUROC eps 4/255::standard"),
        "pruned_auroc": ("efficiency", "AUROC::pruned 90% + int8"),
    }
    from medlib.summary import findings_report

    code = code_of("findings") + inspect.getsource(findings_report)  # the page's facts
    for key, (chapter, metric) in named.items():
        assert FAQ_NUMBERS[key] == (chapter, metric)
        assert f'text("{chapter}", "{metric}")' in code
        results = json.loads((REPO / "book" / "results" / f"{chapter}.json").read_text())
        assert metric in results["metrics"]
    assert "privacy['DP-SGD, ε = 1']" in code
    assert any(row["training"] == "DP-SGD, ε = 1" for row in extras_of("robustness")["privacy"])
