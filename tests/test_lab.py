"""`make lab`: JupyterLab (scripts/lab.py) serves the repository and opens a chapter with the kit's kernel.

The server runs on 127.0.0.1 at a free port with a token and no browser of its own; headless Chromium opens
nbs/00_field.ipynb through the lab URL; the server's REST API must then show a session for that notebook whose
kernel is `pfgm` (display name pfgm_nb) and idle, and the notebook toolbar must name it. The notebook file is left
as it was (checkpoints go to a temporary folder, autosave is off). Bounded: about 20 s, 60 s at most.
Skips only when Chromium is missing (`make docs-deps` installs Debian's package).
"""
import hashlib, json, os, secrets, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import pytest
from _chromium import Page, chromium_path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = 'nbs/00_field.ipynb'
DEADLINE_S = 60

needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                reason='chromium is not installed (make docs-deps: apt-get install -y chromium)')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Lab:
    "scripts/lab.py in the background, its Jupyter folders (settings, runtime, checkpoints) under `tmp`."
    def __init__(self, tmp: Path):
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.base = f'http://127.0.0.1:{self.port}'
        settings = tmp / 'lab-settings'
        (settings / '@jupyterlab' / 'docmanager-extension').mkdir(parents=True)
        (settings / '@jupyterlab' / 'docmanager-extension' / 'plugin.jupyterlab-settings').write_text(
            json.dumps({'autosave': False}))  # the test never writes the notebook
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / 'config'), JUPYTER_RUNTIME_DIR=str(tmp / 'runtime'),
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(tmp / 'workspaces'),
                   PYTHONUNBUFFERED='1')
        self.log_path = tmp / 'lab.log'
        self.log = open(self.log_path, 'wb')
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / 'scripts' / 'lab.py'), '--no-browser', '--ServerApp.ip=127.0.0.1',
             f'--ServerApp.port={self.port}', '--ServerApp.port_retries=0', f'--IdentityProvider.token={self.token}',
             f'--FileCheckpoints.checkpoint_dir={tmp / "checkpoints"}'],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def api(self, path, method='GET'):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={'Authorization': f'token {self.token}'})
        with urllib.request.urlopen(req, timeout=5) as r:
            body = r.read()
        return json.loads(body) if body else None

    def wait_ready(self, deadline):
        while time.time() < deadline:
            if self.proc.poll() is not None: break
            try: return self.api('/api/status')
            except OSError: time.sleep(0.2)
        raise AssertionError(f'JupyterLab did not come up:\n{self.tail()}')

    def tail(self, n=4000):
        self.log.flush()
        return self.log_path.read_text(errors='replace')[-n:]

    def stop(self):
        "Shut the server down (its kernels with it): the API first, then SIGTERM, then SIGKILL, by process group."
        if self.proc.poll() is None:
            try: self.api('/api/shutdown', method='POST')
            except OSError: pass
            try: self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try: self.proc.wait(5)
                except subprocess.TimeoutExpired: os.killpg(self.proc.pid, signal.SIGKILL); self.proc.wait()
        self.log.close()


@needs_chromium
def test_lab_opens_a_chapter_with_the_pfgm_kernel(tmp_path):
    t0 = time.time()
    deadline = t0 + DEADLINE_S
    nb_file = ROOT / NOTEBOOK
    before = hashlib.sha256(nb_file.read_bytes()).hexdigest()
    lab = Lab(tmp_path)
    try:
        lab.wait_ready(deadline)
        specs = lab.api('/api/kernelspecs')
        assert specs['default'] == 'pfgm' and list(specs['kernelspecs']) == ['pfgm'], specs
        assert specs['kernelspecs']['pfgm']['spec']['display_name'] == 'pfgm_nb'
        with Page(tmp_path / 'chromium', width=1400, height=900, timeout=30) as page:
            page.goto(f'{lab.base}/lab/tree/{NOTEBOOK}?token={lab.token}')
            session = None
            while time.time() < deadline and not session:
                session = next((s for s in lab.api('/api/sessions')
                                if s['path'] == NOTEBOOK and s['kernel']['execution_state'] == 'idle'), None)
                if not session: time.sleep(0.25)
            assert session, f'no idle kernel session for {NOTEBOOK}: {lab.api("/api/sessions")}\n{page.errors()}'
            assert session['kernel']['name'] == 'pfgm', session
            toolbar = page.wait_for("""(() => {
                const name = document.querySelector('.jp-NotebookPanel .jp-KernelName');
                const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length;
                const status = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
                const h1 = document.querySelector('.jp-NotebookPanel .jp-RenderedMarkdown h1');
                return name && cells && h1 && name.textContent === 'pfgm_nb' && status && status.dataset.status === 'idle'
                    ? {name: name.textContent, cells, status: status.dataset.status, title: h1.textContent,
                       dialogs: document.querySelectorAll('.jp-Dialog').length} : null;
            })()""", timeout=max(1, deadline - time.time()))
            time.sleep(1.5)   # let the kernel's info reach the notebook model (where a kernelspec change would land)
            dirty = page.js("document.querySelectorAll('.jp-mod-dirty').length")
            assert dirty == 0, f'opening {NOTEBOOK} marked it modified ({dirty} dirty elements)'
            page.screenshot(tmp_path / 'lab.png', full_page=False)
            title = next(l[2:].strip() for c in json.loads(nb_file.read_text())['cells'] if c['cell_type'] == 'markdown'
                         for l in ''.join(c['source']).splitlines() if l.startswith('# '))
            assert toolbar['title'].startswith(title) and toolbar['dialogs'] == 0, (title, toolbar)
            exceptions = [e for e in page.errors() if e.startswith('exception')]
            assert not exceptions, exceptions
            outside = [u for u in page.requested_urls() if not u.startswith((lab.base, 'data:', 'blob:', 'about:'))]
            assert not outside, f'the lab page asked the network for {outside[:5]}'
        lab.api(f"/api/sessions/{session['id']}", method='DELETE')  # shuts the kernel down
    finally:
        lab.stop()
    assert hashlib.sha256(nb_file.read_bytes()).hexdigest() == before, f'{NOTEBOOK} was modified'


def test_make_lab_passes_server_options():
    "`make lab LAB_ARGS=...` hands the options to scripts/lab.py, which gives them to jupyter lab after its own."
    env = {k: v for k, v in os.environ.items() if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL')}   # CI runs us under make test
    res = subprocess.run(['make', '-n', '--no-print-directory', 'lab', 'LAB_ARGS=--port 8890 --no-browser'], cwd=ROOT,
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().splitlines()[-1].endswith('scripts/lab.py --port 8890 --no-browser'), res.stdout
