"""VP SDE, deep DDPM++ (8 blocks a level), continuous time, 950k steps."""
from pfgm_nb.configs import ddpmpp, get_default_configs, score_sde


def get_config():
    config = ddpmpp(get_default_configs('cifar10'), deep=True)
    config.training.update(reduce_mean=True, n_iters=950001)
    config.data.centered = True
    return score_sde(config, 'vpsde')
