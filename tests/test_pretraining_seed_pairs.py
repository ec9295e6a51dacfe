"""medlib.pretraining.seed_pairs: one encoder per seed, and each seed's transfer arms start
from that seed's encoder."""

import numpy as np
import pytest
import torch

from medlib.models.cnn_torch import ImprovedCNN
from medlib.pretraining import seed_pairs
from medlib.pretraining.contrastive import PretrainRecipe
from medlib.trust.label_runs import LabelRuns


def tiny_splits():
    rng = np.random.default_rng(0)
    x, y = {}, {}
    for split, n in (("train", 40), ("val", 12), ("test", 12)):
        y[split] = np.arange(n) % 2
        x[split] = torch.tensor(rng.random((n, 1, 28, 28)), dtype=torch.float32)
    return x, y


def build(channels):
    return ImprovedCNN(channels, 1, (2, 2, 2))


@pytest.fixture(scope="module")
def encoders():
    x, _ = tiny_splits()
    recipe = PretrainRecipe(epochs=1, batch_size=8, temperature=0.5)
    return seed_pairs.pretrain_per_seed(build, 1, x["train"], recipe, [3, 4], torch.manual_seed)


def test_each_seed_pretrains_its_own_encoder(encoders):
    first, second = (encoders.encoders[s].state_dict() for s in (3, 4))
    assert any(not torch.equal(first[k], second[k]) for k in first)
    assert set(encoders.history()["seed"]) == {3, 4}
    assert set(encoders.record()) == {"3", "4"}
    with pytest.raises(ValueError, match="no seeds"):
        seed_pairs.pretrain_per_seed(build, 1, None, None, [], torch.manual_seed)


def test_label_arms_start_each_seed_from_its_encoder(encoders, monkeypatch):
    x, y = tiny_splits()
    runs = LabelRuns(x, y, epochs=1, min_images_per_epoch=8, reseed=torch.manual_seed,
                     build=build)
    started_from = []
    original = seed_pairs.initialise_from

    def spy(model, encoder):
        started_from.append(next(s for s, e in encoders.encoders.items() if e is encoder))
        return original(model, encoder)

    monkeypatch.setattr(seed_pairs, "initialise_from", spy)
    per_run, scores_at = seed_pairs.run_label_arms(runs, encoders, [0.25, 1.0], [1.0], [3, 4])
    assert started_from == [3, 4]
    assert list(per_run.groupby(["arm", "share"]).size().items()) == [
        (("fine-tuned", 1.0), 2), (("from scratch", 0.25), 2), (("from scratch", 1.0), 2),
        (("linear probe", 1.0), 2)]
    assert all(len(scores) == 2 and len(scores[0]) == 12 for scores in scores_at.values())
    assert set(runs.columns["score_linear_probe_share1_seed4"]) == {"val", "test"}
    with pytest.raises(ValueError, match="no pretrained encoder for seeds"):
        seed_pairs.run_label_arms(runs, encoders, [1.0], [1.0], [5])
