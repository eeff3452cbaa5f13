"""VP SDE, DDPM++, discrete time (DDPM), ancestral sampling: the original's vp/cifar10_ddpmpp.py."""
from pfgm_nb.configs import ddpmpp, get_default_configs, score_sde


def get_config():
    config = ddpmpp(get_default_configs('cifar10'))
    config.training.reduce_mean = True
    config.data.centered = True
    return score_sde(config, 'vpsde', continuous=False, method='pc', predictor='ancestral_sampling')
