"""Poisson Flow Generative Models (PFGM, PFGM++) and score-based baselines as a literate nbdev research kit"""

__version__ = "0.1.0"
