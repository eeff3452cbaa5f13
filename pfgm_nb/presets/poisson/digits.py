"""PFGM on the embedded 8×8 digits (the kit's default): a small DDPM++ U-Net that trains on a laptop CPU.

M, z_max and upper_norm come from the digits' own norm (Appendix B): M = 261, z_max = 17.884, upper_norm = 179.31.
"""
from pfgm_nb.configs import pfgm_defaults
from pfgm_nb.prior import data_norm, hyperparams


def get_config():
    config = pfgm_defaults()
    data = config.data
    data.dataset = 'digits'
    data.image_size = 8
    data.num_channels = 1
    data.random_flip = False                 # digits are not mirror-symmetric
    training = config.training
    training.batch_size = 1024
    training.small_batch_size = 128
    training.n_iters = 4001
    training.snapshot_freq = 1000
    training.snapshot_freq_for_preemption = 250
    training.log_freq = 50
    hp = hyperparams(data_norm('digits'), 64)
    training.M = hp.M
    config.sampling.z_max = hp.z_max
    config.sampling.upper_norm = hp.upper_norm
    config.sampling.z_exp = 1.0
    config.eval.batch_size = 500
    config.eval.num_samples = 1000
    model = config.model
    model.nf = 32
    model.ch_mult = (1, 2, 2)
    model.num_res_blocks = 1                 # 1.26M parameters: ~0.33 s per step of 128 on 2 CPU cores
    model.attn_resolutions = (4,)
    model.dropout = 0.0
    model.ema_rate = 0.999
    config.optim.lr = 1e-3
    config.optim.warmup = 200
    config.device = 'cpu'
    return config
