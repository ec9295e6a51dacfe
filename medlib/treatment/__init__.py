"""Treatment benefit from a randomised trial: who gains, and can the estimate be trusted.

- :mod:`.trial`: a two-arm trial (covariates, arm, time to event) and its loader for the
  Mayo PBC trial, with one-line errors for data that is not a two-arm trial.
- :mod:`.average`: the average effect: Kaplan-Meier by arm, the Cox hazard ratio and the
  difference in restricted mean survival time with bootstrap intervals.
- :mod:`.learners`: individual benefit from S- and T-learners over Cox, random survival
  forest and a discrete-time neural network, cross-fitted.
- :mod:`.benefit_metrics`: the c-for-benefit and the calibration of benefit.
- :mod:`.power`: the sample size a treatment-by-subgroup interaction needs.
- :mod:`.simulate`: simulated trials with a known individual effect, to test the above.

Chapter: ``treatment_benefit``.
"""
