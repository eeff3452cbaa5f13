"""VE SDE, discrete SMLD, with score_sde's DDPM network (model.name='ddpm', 35,218,947 parameters); PC sampling."""
from pfgm_nb.configs import get_default_configs, score_sde


def get_config():
    config = get_default_configs('cifar10')
    config.model.update(name='ddpm', scale_by_sigma=True, ema_rate=0.999, num_res_blocks=2, attn_resolutions=(16,))
    return score_sde(config, 'vesde', continuous=False, method='pc', predictor='reverse_diffusion', corrector='langevin')
