"""VE SDE, NCSN++ with output/input-skip pyramids on CelebA-HQ 256×256 (an image folder)."""
from pfgm_nb.configs import get_default_configs, high_resolution_ve


def get_config():
    return high_resolution_ve(get_default_configs('lsun'), 256, 'CelebAHQ', 348.0)
