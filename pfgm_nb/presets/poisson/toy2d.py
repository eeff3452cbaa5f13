"""PFGM on a 2-D toy (moons by default; set data.dataset to '8gaussians', 'checkerboard' or 'swissroll') with an MLP."""
from pfgm_nb.configs import pfgm_defaults
from pfgm_nb.data import load_dataset
from pfgm_nb.prior import data_norm, hyperparams


def get_config():
    config = pfgm_defaults()
    data = config.data
    data.dataset = 'toy2d'
    data.dim = 2
    data.num_points = 2000
    data.image_size = 0
    data.num_channels = 0
    data.random_flip = False
    training = config.training
    training.batch_size = 1024
    training.small_batch_size = 256
    training.n_iters = 3001
    training.snapshot_freq = 1000
    training.snapshot_freq_for_preemption = 250
    hp = hyperparams(data_norm(load_dataset('toy2d', data.num_points)), 2)
    training.M = hp.M
    config.sampling.z_max = hp.z_max
    config.sampling.upper_norm = hp.upper_norm
    config.sampling.z_exp = 0.0
    config.eval.batch_size = 2000
    config.eval.num_samples = 2000
    model = config.model
    model.name = 'mlp'
    model.nf = 32
    model.hidden = 256
    model.depth = 3
    model.dropout = 0.0
    model.ema_rate = 0.999
    config.optim.lr = 1e-3
    config.optim.warmup = 100
    config.device = 'cpu'
    return config
