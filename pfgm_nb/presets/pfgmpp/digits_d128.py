"""PFGM++ (D = 128) on the embedded digits: EDM training with σ_data from the data, Heun sampling (35 NFE)."""
from pfgm_nb.configs import as_pfgmpp, digits_config
from pfgm_nb.data import load_dataset


def get_config():
    config = as_pfgmpp(digits_config(), D=128, sigma_data=float(load_dataset('digits').std()))
    config.training.update(n_iters=3001, snapshot_freq=1000, snapshot_freq_for_preemption=500)   # 3000 steps: fd 2.4
    return config
