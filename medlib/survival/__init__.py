"""Disease progression as time to event, from a patient's visits.

- :mod:`.discrete_time`: the discrete-time survival likelihood (torch, tested against NumPy) and the
  survival curve it implies.
- :mod:`.landmark`: landmark data sets: each person's visits up to a landmark time and their
  outcome after it, split by person.
- :mod:`.progression`: every model of the comparison (recurrent, self-attention, Cox, random
  survival forest) fitted on one split and scored alike, and the declared search of the
  deep models' settings.
- :mod:`.progression_report`: the chapters' sentences that depend on how a paired
  comparison came out.
- :mod:`.visit_risk`: a person's predicted risk after each of their visits.
- :mod:`.baseline_models`: Cox with a cross-validated ridge penalty, random survival forest
  and the discrete-time network (plain or tuned by a declared search) over baseline
  covariates (chapters ``progression_benchmarks``, ``treatment_benefit``).
- :mod:`.benchmark`, :mod:`.benchmark_tables`, :mod:`.benchmark_report`: the aorsf
  benchmark's protocol (splits, recipe, scores), the chapter's tables and its computed
  sentences; :mod:`.landmark_window`: the JMbayes2 landmark-and-window setting.

Chapters ``progression_pbc`` and ``progression_nafld`` (one source notebook),
``progression_benchmarks``, and the attention read-out of ``interpretability``.
"""
