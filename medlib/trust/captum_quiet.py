"""captum, imported without the warning its import raises.

captum imports ``tqdm.auto``, which warns when ipywidgets is missing; the book's notebooks
would show that warning under the first cell that touches captum. Every module of
:mod:`medlib.trust` imports captum's classes from here instead of from captum.
"""

import warnings

from tqdm import TqdmExperimentalWarning, TqdmWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", TqdmWarning)
    warnings.simplefilter("ignore", TqdmExperimentalWarning)
    from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Occlusion
    from captum.robust import FGSM, PGD

__all__ = ["FGSM", "PGD", "IntegratedGradients", "LayerAttribution", "LayerGradCam", "Occlusion"]
