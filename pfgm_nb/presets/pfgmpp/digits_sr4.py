"""PFGM++ (D = 128) on the digits' 4×4 → 8×8 super-resolution pairs: the 2×2-block means, lifted to 8×8, enter the U-Net as a second input channel (chapter 02d's trained route)."""
from pfgm_nb.configs import get_config as preset


def get_config():
    config = preset('pfgmpp/digits_d128')
    config.training.update(task='super_resolution', task_factor=2)
    return config
