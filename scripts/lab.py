"""JupyterLab on this repository with the kit's kernel: `make lab` (extra options pass through to `jupyter lab`).

    python scripts/lab.py                                   # what `make lab` runs
    python scripts/lab.py --no-browser --port 8890          # any jupyter-lab option

`pfgm` (display name `pfgm_nb`, installed by `make setup`) is the only kernel spec this server offers and its
default, and JupyterLab is set to start the default kernel without asking: so every notebook opens with it, also
one whose metadata names another kernel (the committed notebooks say `python3`). Kernels start in the notebook's
folder (`nbs/`), as `nbdev-test` runs them. Nothing is fetched from the network: no update check, no news, a
read-only extension manager. Opening a chapter does not mark it modified: the contents manager hands each notebook
to JupyterLab with the `pfgm` kernelspec it would write, and a save keeps the kernelspec the file had. The settings are defaults written into the environment's
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


KERNELSPEC = {'display_name': 'pfgm_nb', 'language': 'python', 'name': KERNEL}


def language_info() -> dict:
    "What the `pfgm` kernel (ipykernel in this environment) reports as its language, as JupyterLab writes it into a notebook."
    import json
    from ipykernel.ipkernel import IPythonKernel
    return json.loads(json.dumps(IPythonKernel.language_info))


def kit_contents_manager():
    "A contents manager that shows every notebook with the kit's kernelspec and saves it back with the one it had."
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

    class KitContents(AsyncLargeFileManager):
        """JupyterLab starts the `pfgm` kernel for every notebook and writes that kernelspec into the notebook's
        metadata, with the kernel's `language_info`, which marks a notebook saved without them (the committed chapters
        say `python3`; nbdev-clean drops language_info) as modified the moment it opens. Here the notebook arrives with
        both already, so opening it changes nothing; a save writes back what the file had (the committed notebooks stay
        as nbdev-clean leaves them)."""
        async def get(self, path, content=True, type=None, format=None, **kwargs):
            model = await super().get(path, content=content, type=type, format=format, **kwargs)
            if model.get('type') == 'notebook' and model.get('content'):
                model['content']['metadata'].update(kernelspec=dict(KERNELSPEC), language_info=language_info())
            return model

        async def save(self, model, path=''):
            if model.get('type') == 'notebook' and model.get('content') and await self.file_exists(path):
                on_disk = (await super().get(path, content=True, type='notebook'))['content']['metadata']
                metadata = model['content'].setdefault('metadata', {})
                for key in ('kernelspec', 'language_info'):
                    if key in on_disk: metadata[key] = on_disk[key]
                    else: metadata.pop(key, None)
            return await super().save(model, path)

    return KitContents


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
    args = [f'--ServerApp.root_dir={ROOT}', '--ServerApp.contents_manager_class=__main__.KitContents',
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
    globals()['KitContents'] = kit_contents_manager()   # named in lab_args as __main__.KitContents
    from jupyterlab.labapp import LabApp  # an extension app: it takes its configuration from argv only
    LabApp.launch_instance(argv=lab_args() + (sys.argv[1:] if argv is None else list(argv)))


if __name__ == '__main__':
    main()
