"""PFGM++ (D = 128) on the digits' half-image inpainting pairs: the top half observed, the bottom half hidden, the observation entering the U-Net as a second input channel (chapter 02d's trained route)."""
from pfgm_nb.configs import get_config as preset


def get_config():
    config = preset('pfgmpp/digits_d128')
    config.training.update(task='inpainting', task_mask='half')
    return config
