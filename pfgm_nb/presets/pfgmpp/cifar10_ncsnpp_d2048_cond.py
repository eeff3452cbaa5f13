"""Class-conditional PFGM++ on CIFAR-10 with NCSN++, D = 2048 (a published row of the PFGM++ paper)."""
from pfgm_nb.configs import get_config as preset


def get_config():
    config = preset('pfgmpp/cifar10_ncsnpp_d2048')
    config.training.class_conditional = True
    return config
