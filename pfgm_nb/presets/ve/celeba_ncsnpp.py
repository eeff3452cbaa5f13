"""VE SDE, NCSN++ on CelebA 64×64, discrete time (SMLD), reverse diffusion with Langevin correction."""
from pfgm_nb.configs import get_default_configs, ncsnpp, score_sde


def get_config():
    config = ncsnpp(get_default_configs('celeba'))
    config.model.update(scale_by_sigma=True, ema_rate=0.999, embedding_type='positional')
    return score_sde(config, 'vesde', continuous=False, method='pc', predictor='reverse_diffusion', corrector='langevin')
