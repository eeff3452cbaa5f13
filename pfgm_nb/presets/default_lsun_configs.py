"""The original's configs/default_lsun_configs.py, for config files of the seed that import it (`from configs.default_lsun_configs import get_default_configs`)."""
from pfgm_nb.configs import get_default_configs as _defaults


def get_default_configs():
    return _defaults('lsun')
