"""Score-based VE SDE baseline on the 2-D moons with an MLP; σ_max derived from the data (the largest distance between two points)."""
from pfgm_nb.configs import as_score_sde, toy2d_config


def get_config():
    return as_score_sde(toy2d_config(), 'vesde', sigma_max=0.0)
