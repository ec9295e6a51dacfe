"""Disease progression as time to event, from a patient's visits.

- :mod:`.discrete_time`: the discrete-time survival likelihood (Keras and torch) and the
  survival curve it implies.
- :mod:`.landmark`: landmark data sets: each person's visits up to a landmark time and their
  outcome after it, split by person.
- :mod:`.progression`: every model of the comparison (recurrent, self-attention, Cox, random
  survival forest) fitted on one split and scored alike.
- :mod:`.visit_risk`: a person's predicted risk after each of their visits.

Chapters ``progression_pbc`` and ``progression_nafld`` (one source notebook), and the
attention read-out of ``interpretability``.
"""
