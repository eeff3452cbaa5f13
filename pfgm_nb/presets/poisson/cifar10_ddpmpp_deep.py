"""PFGM on CIFAR-10 with DDPM++ deep (8 residual blocks per resolution)."""
from pfgm_nb.configs import pfgm_defaults


def get_config():
    config = pfgm_defaults()
    config.model.num_res_blocks = 8
    return config
