"""Class-conditional PFGM++ (D = 128) on the embedded digits: the labels go into the U-Net's conditioning."""
from pfgm_nb.configs import get_config as preset


def get_config():
    config = preset('pfgmpp/digits_d128')
    config.training.class_conditional = True
    return config
