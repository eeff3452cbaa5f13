"""JupyterLab on this repository with the kit's kernel: `make lab` (extra options pass through to `jupyter lab`).

    python scripts/lab.py                                   # what `make lab` runs
    python scripts/lab.py --no-browser --port 8890          # any jupyter-lab option

`pfgm` (display name `pfgm_nb`, installed by `make setup`) is the only kernel spec this server offers and its
default, and JupyterLab is set to start the default kernel without asking: so every notebook opens with it, also
one whose metadata names another kernel (the committed notebooks say `python3`). Kernels start in the notebook's
folder (`nbs/`), as `nbdev-test` runs them. Nothing is fetched from the network: no update check, no news, a
read-only extension manager. The JupyterLab settings are defaults written into the environment's
`share/jupyter/lab/settings/overrides.json` (a user's own settings still win).
"""
import json, os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = 'pfgm'
LAB_DEFAULTS = {  # JupyterLab setting defaults for this kit, by plugin
    '@jupyterlab/notebook-extension:tracker': {'autoStartDefaultKernel': True},
    '@jupyterlab/apputils-extension:notification': {'fetchNews': 'false', 'checkForUpdates': False},
}


def write_lab_defaults():
    "Merge LAB_DEFAULTS into the overrides.json of this environment's JupyterLab application directory."
    from jupyterlab.commands import get_app_dir
    path = Path(get_app_dir()) / 'settings' / 'overrides.json'
    current = json.loads(path.read_text()) if path.exists() else {}
    merged = {**current, **{k: {**current.get(k, {}), **v} for k, v in LAB_DEFAULTS.items()}}
    if merged != current:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(merged, indent=2) + '\n')


def lab_args() -> list[str]:
    "The server's options (options given to `main` come after them and win)."
    args = [f'--ServerApp.root_dir={ROOT}',
            f'--KernelSpecManager.allowed_kernelspecs={KERNEL}',
            f'--MappingKernelManager.default_kernel_name={KERNEL}',
            '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
            '--LabApp.news_url=None', '--LabApp.extension_manager=readonly']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: args.append('--allow-root')  # CI and containers run as root
    return args


def main(argv=None):
    from jupyter_client.kernelspec import KernelSpecManager
    if KERNEL not in KernelSpecManager().find_kernel_specs():
        sys.exit(f"kernel '{KERNEL}' is not installed: run `make setup` "
                 f"(python -m ipykernel install --sys-prefix --name {KERNEL} --display-name pfgm_nb)")
    write_lab_defaults()
    from jupyterlab.labapp import LabApp  # an extension app: it takes its configuration from argv only
    LabApp.launch_instance(argv=lab_args() + (sys.argv[1:] if argv is None else list(argv)))


if __name__ == '__main__':
    main()
