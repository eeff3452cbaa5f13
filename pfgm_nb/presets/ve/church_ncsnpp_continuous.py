"""VE SDE, NCSN++ with output/input-skip pyramids on LSUN church 256×256."""
from pfgm_nb.configs import get_default_configs, high_resolution_ve


def get_config():
    config = get_default_configs('lsun')
    config.data.category = 'church_outdoor'
    return high_resolution_ve(config, 256, 'LSUN', 380.0)
