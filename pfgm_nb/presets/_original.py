"""Building blocks of the original configs (the PFGM code's configs/, itself score_sde's): the three default files and
the two network families, so that each preset file states only what its original states."""
from pfgm_nb.configs import pfgm_defaults

DEFAULTS = {   # what each of the original's default_*_configs.py sets (the rest: pfgm_defaults, the PFGM CIFAR-10 config)
    'cifar10': dict(training=dict(batch_size=128, n_iters=1300001, eval_freq=10000, snapshot_freq_for_preemption=10000, M=291),
                    sampling=dict(snr=0.16, N=1000, z_exp=5.0),
                    eval=dict(begin_ckpt=8, end_ckpt=26, batch_size=1000, enable_sampling=False),
                    data=dict(dataset='CIFAR10', image_size=32, centered=False),
                    model=dict(sigma_max=50.0, num_scales=1000, dropout=0.1, embedding_type='fourier'), seed=49),
    'celeba': dict(training=dict(batch_size=128, n_iters=1300001, eval_freq=5000, snapshot_freq_for_preemption=10000, M=291),
                   sampling=dict(snr=0.17, N=1000, z_exp=1.0),
                   eval=dict(begin_ckpt=5, end_ckpt=26, batch_size=1000, enable_sampling=False),
                   data=dict(dataset='CELEBA', image_size=64, centered=False),
                   model=dict(sigma_max=90.0, num_scales=1000, dropout=0.1, embedding_type='fourier'), seed=42),
    'lsun': dict(training=dict(batch_size=64, n_iters=2400001, eval_freq=5000, snapshot_freq_for_preemption=5000, M=356),
                 sampling=dict(snr=0.075, N=1000, z_exp=0.1),
                 eval=dict(begin_ckpt=11, end_ckpt=20, batch_size=100, enable_sampling=True),
                 data=dict(dataset='LSUN', image_size=256, centered=False),
                 model=dict(sigma_max=378.0, num_scales=2000, dropout=0.0, embedding_type='fourier'), seed=49),
}


def get_default_configs(data:str='cifar10'):
    "The original's default config of a data set, in the kit's full set of fields."
    config = pfgm_defaults()
    values = DEFAULTS[data]
    for section in ('training', 'sampling', 'eval', 'data', 'model'): config[section].update(values[section])
    config.seed = values['seed']
    config.model.ema_rate = 0.9999
    return config


def ddpmpp(config, deep:bool=False):
    "The DDPM++ network of the configs: no FIR, no pyramids, positional embedding; 8 blocks a level when deep."
    config.model.update(name='ncsnpp', fir=False, progressive='none', progressive_input='none', embedding_type='positional',
                        nf=128, ch_mult=(1, 2, 2, 2), num_res_blocks=8 if deep else 4, attn_resolutions=(16,))
    return config


def ncsnpp(config, deep:bool=False):
    "The NCSN++ network of the 32/64-pixel configs: FIR resampling and the residual input pyramid."
    config.model.update(name='ncsnpp', fir=True, progressive='none', progressive_input='residual', nf=128,
                        ch_mult=(1, 2, 2, 2), num_res_blocks=8 if deep else 4, attn_resolutions=(16,))
    return config


def score_sde(config, kind:str, continuous:bool=True, method:str='ode', predictor:str='none', corrector:str='none'):
    "A score-SDE config: the SDE, discrete or continuous time, and the sampler the original names (RK45 at 1e-5 for 'ode')."
    config.training.update(sde=kind, continuous=continuous, small_batch_size=config.training.batch_size)
    config.sampling.update(method=method, predictor=predictor, corrector=corrector, ode_solver='rk45', rtol=1e-5, atol=1e-5,
                           eps=1e-5 if kind == 'vesde' else 1e-3)
    return config


def high_resolution_ve(config, image_size:int, dataset:str, sigma_max:float):
    "The 256-pixel VE configs: NCSN++ with output-skip and input-skip pyramids over seven levels."
    config.data.update(dataset=dataset, image_size=image_size, centered=False)
    config.model.update(name='ncsnpp', sigma_max=sigma_max, scale_by_sigma=True, ema_rate=0.999, fir=True,
                        progressive='output_skip', progressive_input='input_skip', progressive_combine='sum', nf=128,
                        ch_mult=(1, 1, 2, 2, 2, 2, 2), num_res_blocks=2, attn_resolutions=(16,), embedding_type='fourier')
    return score_sde(config, 'vesde', method='pc', predictor='reverse_diffusion', corrector='langevin')


def pfgm(config, batch_size:int=4096, small_batch_size:int=128, z_max:float=40.0, upper_norm:float=3000.0):
    "A PFGM config as the original's poisson/*.py set it on top of a default: the large batch, the prior, RK45 in log z."
    config.training.update(sde='poisson', continuous=True, batch_size=batch_size, small_batch_size=small_batch_size,
                           gamma=5.0, restrict_M=True, tau=0.03, snapshot_freq=50000)
    config.data.centered = True
    config.sampling.update(method='ode', ode_solver='rk45', N=100, z_max=z_max, z_min=1e-3, upper_norm=upper_norm,
                           rtol=1e-4, atol=1e-4, vs=False)
    config.model.update(scale_by_sigma=False, sigma_end=0.01, ema_rate=0.9999)
    return ddpmpp(config)
