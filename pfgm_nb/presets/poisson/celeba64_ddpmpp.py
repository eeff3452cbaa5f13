"""PFGM on CelebA 64×64 with DDPM++ (the paper's FID 3.68)."""
from pfgm_nb.configs import pfgm_defaults


def get_config():
    config = pfgm_defaults()
    config.data.dataset = 'CELEBA'
    config.data.image_size = 64
    config.training.batch_size = 512
    config.sampling.z_max = 60.0
    config.sampling.upper_norm = 6000.0
    config.sampling.z_exp = 1.0
    return config
