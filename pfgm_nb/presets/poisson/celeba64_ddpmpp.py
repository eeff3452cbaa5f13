"""PFGM on CelebA 64×64 with DDPM++ (the paper's FID 3.68): the original's poisson/celeba64_ddpmpp.py."""
from pfgm_nb.configs import get_default_configs, pfgm


def get_config():
    return pfgm(get_default_configs('celeba'), batch_size=512, z_max=60.0, upper_norm=6000.0)
