"""Score-based VE SDE baseline on the embedded digits, the U-Net; σ_max derived from the data (the largest distance between two digits)."""
from pfgm_nb.configs import as_score_sde, digits_config


def get_config():
    return as_score_sde(digits_config('unet'), 'vesde', sigma_max=0.0)
