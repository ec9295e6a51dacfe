"""Learning from images without labels, then from a few labels (chapter ``pretraining``).

- :mod:`.contrastive`: SimCLR-style contrastive pretraining of an encoder (two augmented
  views of each image must find each other in the batch).
- :mod:`.transfer`: a pretrained encoder's weights into a fresh classifier, and a linear
  probe on frozen embeddings (scikit-learn's logistic regression).
- :mod:`.report`: the chapter's verdicts as claims, and the sentences built from them.
"""
