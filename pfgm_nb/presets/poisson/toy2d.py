"""PFGM on a 2-D toy (moons; set data.dataset to '8gaussians', 'checkerboard' or 'swissroll') with an MLP."""
from pfgm_nb.configs import toy2d_config


def get_config():
    return toy2d_config()
