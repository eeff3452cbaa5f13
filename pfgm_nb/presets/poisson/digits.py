"""PFGM on the embedded 8×8 digits (the kit's default): the papers' DDPM++ U-Net sized for 8×8 (nf 32, ch_mult (1, 2, 2)).

M, z_max and upper_norm come from the digits' own norm (Appendix B): M = 261, z_max = 17.884, upper_norm = 179.31.
"""
from pfgm_nb.configs import digits_config


def get_config():
    return digits_config('unet')
