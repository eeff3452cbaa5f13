"""The [interop] extra (chapter 04b_interop): a digits model trained with the kit, saved as a diffusers folder, samples
through `PFGMPPPipeline.from_pretrained(folder)` in a fresh process that imports no training code, as the kit samples it.
(The quality comparison on a U-Net trained 2000 steps is bench/interop.py: minutes, not seconds.)"""
import json, os, subprocess, sys

import pytest
import torch

from conftest import ROOT, pfgm_main

if os.environ.get('PFGM_REQUIRE_INTEROP') != '1':
    pytest.importorskip('diffusers', reason='the [interop] extra is not installed (pip install -e ".[interop]")')

FRESH = r"""
import json, sys, torch
from pfgm_nb.interop import PFGMPPPipeline
pipe = PFGMPPPipeline.from_pretrained(sys.argv[1])
pipe.set_progress_bar_config(disable=True)
samples = pipe(int(sys.argv[2]), generator=torch.Generator().manual_seed(0), output_type='latent').images
torch.save(samples, sys.argv[3])
print(json.dumps(sorted(m for m in sys.modules if m.startswith('pfgm_nb'))))
"""


def test_a_kit_run_samples_through_a_diffusers_folder_in_a_fresh_process(tmp_path):
    from pfgm_nb.configs import config_from_json, data_shape
    from pfgm_nb.interop import PFGMPPPipeline
    from pfgm_nb.methods import get_method, load_network
    run = tmp_path / 'run'
    res = pfgm_main('--config', 'pfgmpp/digits_d128_mlp', '--mode', 'train', '--workdir', run, '--config.training.n_iters=40',
                    '--config.training.snapshot_freq=40', '--config.training.batch_size=64',
                    '--config.training.small_batch_size=64')
    assert res.returncode == 0, res.stderr[-2000:]
    from pfgm_nb.workdir import Workdir
    config = config_from_json(Workdir(run).config_file)
    ((_, checkpoint),) = Workdir(run).snapshots()
    model = load_network(checkpoint, config)
    folder = tmp_path / 'pfgmpp-digits'
    PFGMPPPipeline.from_kit(config, model).save_pretrained(folder)
    assert {'model_index.json', 'scheduler', 'unet'} <= {p.name for p in folder.iterdir()}
    assert (folder / 'unet' / 'diffusion_pytorch_model.safetensors').exists()
    assert json.loads((folder / 'scheduler' / 'scheduler_config.json').read_text())['D'] == 128.0

    out = tmp_path / 'samples.pt'
    done = subprocess.run([sys.executable, '-c', FRESH, str(folder), '32', str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert not loaded & {'pfgm_nb.train', 'pfgm_nb.workdir', 'pfgm_nb.replication', 'pfgm_nb.main'}, loaded
    kit, nfe = get_method(config).sample(model, 32, data_shape(config), generator=torch.Generator().manual_seed(0))
    samples = torch.load(out, weights_only=True)
    assert nfe == 35 and samples.shape == kit.shape
    assert (samples - kit).abs().max() < 1e-4, (samples - kit).abs().max()


def test_the_module_imports_and_refuses_in_one_line_without_the_extra(tmp_path):
    "Without diffusers (hidden here), `import pfgm_nb.interop` works and its classes name the install commands."
    hide = tmp_path / 'hide'
    hide.mkdir()
    (hide / 'diffusers.py').write_text("raise ImportError('hidden for the test')\n")
    code = ("import pfgm_nb.interop as I\nassert not I.HAS_DIFFUSERS\n"
            "try: I.PFGMPPScheduler()\nexcept ImportError as e: print(e)\n")
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=f"{hide}{os.pathsep}{ROOT}"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'pip install "pfgm_nb[interop]"' in done.stdout and 'k-diffusion==0.1.1.post1' in done.stdout
