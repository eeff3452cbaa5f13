"""Score-based VP SDE baseline on the 2-D moons with an MLP (continuous DSM, probability-flow ODE with RK45)."""
from pfgm_nb.configs import as_score_sde, toy2d_config


def get_config():
    return as_score_sde(toy2d_config(), 'vpsde')
