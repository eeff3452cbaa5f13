"""Score-based VP SDE baseline on the embedded digits (continuous DSM, probability-flow ODE with RK45), the U-Net."""
from pfgm_nb.configs import as_score_sde, digits_config


def get_config():
    return as_score_sde(digits_config('unet'), 'vpsde')
