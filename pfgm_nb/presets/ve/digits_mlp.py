"""Score-based VE SDE baseline on the embedded digits with the weaker network (the MLP field)."""
from pfgm_nb.configs import as_score_sde, digits_config


def get_config():
    return as_score_sde(digits_config('mlp'), 'vesde', sigma_max=0.0)
