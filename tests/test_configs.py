"""Every field of the seed-compatible config is read by some module: no knob silently ignored."""
from pfgm_nb.configs import field_readers, pfgm_defaults


def test_every_field_of_the_defaults_is_read_somewhere():
    readers = field_readers(pfgm_defaults())
    unread = sorted(key for key, modules in readers.items() if not modules)
    assert not unread, f"fields read nowhere (honour them, or refuse other values): {unread}"


def test_the_check_finds_a_field_nobody_reads():
    config = pfgm_defaults()
    config.training.an_invented_knob = 3
    assert field_readers(config)['training.an_invented_knob'] == []
