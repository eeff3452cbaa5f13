"""PFGM++ (D = 128) on the embedded digits: EDM training with σ_data derived from the data, Heun sampling (35 NFE), the U-Net."""
from pfgm_nb.configs import as_pfgmpp, digits_config


def get_config():
    return as_pfgmpp(digits_config('unet'), D=128)
