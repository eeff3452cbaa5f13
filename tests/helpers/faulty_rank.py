"""`pfgm-main` with one injected fault, for the cluster tests: run under torchrun as a script.

    PFGM_FAULT=kill PFGM_FAULT_STEP=25 torchrun ... tests/helpers/faulty_rank.py --config ... --mode train ...
    PFGM_FAULT=hang ...

On rank PFGM_FAULT_RANK (default 1) and only in the first attempt (torchrun's TORCHELASTIC_RESTART_COUNT = 0), right
after step PFGM_FAULT_STEP the rank kills itself with SIGKILL (`kill`) or sleeps for an hour (`hang`).
"""
import os, signal, sys, time

from pfgm_nb import train as training

fault, at = os.environ.get('PFGM_FAULT', ''), int(os.environ.get('PFGM_FAULT_STEP', '0'))
first_attempt = os.environ.get('TORCHELASTIC_RESTART_COUNT', '0') == '0'
if fault and first_attempt and os.environ.get('RANK') == os.environ.get('PFGM_FAULT_RANK', '1'):
    real_step = training.train_step
    def faulty_step(state, batch, labels=None):
        real_step(state, batch, labels)
        if state.step == at:
            if fault == 'kill': os.kill(os.getpid(), signal.SIGKILL)
            if fault == 'hang': time.sleep(3600)
    training.train_step = faulty_step

from pfgm_nb.main import main
main(sys.argv[1:])
