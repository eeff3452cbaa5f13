"""PFGM++ (D = 128) on the 2-D moons with an MLP denoiser; σ_data from the data."""
from pfgm_nb.configs import as_pfgmpp, toy2d_config
from pfgm_nb.data import load_dataset


def get_config():
    return as_pfgmpp(toy2d_config(), D=128, sigma_data=float(load_dataset('toy2d').std()))
