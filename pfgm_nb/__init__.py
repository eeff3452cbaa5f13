"""Poisson Flow Generative Models (PFGM, PFGM++) and score-based baselines as a literate nbdev research kit

Modules:

- `pfgm_nb.presets.ve.cifar10_ncsnpp_continuous`: Score SDE baseline (Song et al. 2021): VE SDE, NCSN++ continuous on CIFAR-10."""

__version__ = "0.1.0"
