"""sub-VP SDE, DDPM++, continuous time, the probability-flow ODE."""
from pfgm_nb.configs import ddpmpp, get_default_configs, score_sde


def get_config():
    config = ddpmpp(get_default_configs('cifar10'))
    config.training.reduce_mean = True
    config.data.centered = True
    return score_sde(config, 'subvpsde')
