"""Headless Chromium for the browser tests, driven over the DevTools protocol (websocket-client, no driver).

Debian's `chromium` package is enough (`apt-get install -y chromium`; `make docs-deps` does it when root). The page
records what a person would not see: uncaught exceptions, console errors, failed loads and every URL requested.
"""
import base64, json, os, shutil, subprocess, time, urllib.request
from pathlib import Path

import websocket  # websocket-client (a jupyter_server dependency)

CANDIDATES = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')


def chromium_path():
    "The Chromium executable on PATH (or $CHROMIUM), else None."
    if os.environ.get('CHROMIUM'): return shutil.which(os.environ['CHROMIUM'])
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class Page:
    "One tab of a headless Chromium started in `workdir`; use as a context manager."
    def __init__(self, workdir, width=1280, height=900, offline=True, timeout=30):
        self.workdir, self.timeout = Path(workdir), timeout
        profile = self.workdir / 'chromium-profile'
        profile.mkdir(parents=True, exist_ok=True)
        (profile / 'DevToolsActivePort').unlink(missing_ok=True)  # a stale one names a dead port
        args = [chromium_path(), '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--mute-audio',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                f'--user-data-dir={profile}', '--remote-debugging-port=0', f'--window-size={width},{height}']
        if offline:  # any name lookup fails: a page that needs the network shows it
            args.append('--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1')
        self.log = open(self.workdir / 'chromium.log', 'wb')
        self.proc = subprocess.Popen(args + ['about:blank'], stdout=self.log, stderr=subprocess.STDOUT)
        self.events, self._id = [], 0
        try: self._connect(profile / 'DevToolsActivePort')
        except BaseException: self.close(); raise

    def _connect(self, port_file):
        deadline = time.time() + self.timeout
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f'chromium did not start; see {self.log.name}')
            time.sleep(0.05)
        port = int(port_file.read_text().splitlines()[0])
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=10))
        url = next(t['webSocketDebuggerUrl'] for t in targets if t['type'] == 'page')
        self.ws = websocket.create_connection(url, timeout=self.timeout, suppress_origin=True,
                                              enable_multithread=False)
        for domain in ('Page', 'Runtime', 'Network', 'Log'): self.send(f'{domain}.enable')

    def send(self, method, **params):
        "Send a DevTools command and return its result; events that arrive meanwhile are kept in `self.events`."
        self._id += 1
        self.ws.send(json.dumps({'id': self._id, 'method': method, 'params': params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self._id:
                if 'error' in msg: raise RuntimeError(f'{method}: {msg["error"]}')
                return msg.get('result', {})
            if 'method' in msg: self.events.append(msg)

    def goto(self, url):
        "Open `url` and wait for its load event."
        self.events.clear()
        self.send('Page.navigate', url=url)
        self.wait_for_event('Page.loadEventFired')

    def wait_for_event(self, method):
        deadline = time.time() + self.timeout
        while not any(e['method'] == method for e in self.events):
            if time.time() > deadline: raise TimeoutError(method)
            self.send('Runtime.evaluate', expression='0')  # a round trip drains the events queued so far
            time.sleep(0.05)

    def js(self, expression, await_promise=True):
        "Evaluate `expression` in the page; its value (JSON-able) or an exception with the JS error."
        r = self.send('Runtime.evaluate', expression=expression, returnByValue=True, awaitPromise=await_promise,
                      timeout=self.timeout * 1000)
        if 'exceptionDetails' in r:
            raise RuntimeError(f'JS error in {expression[:80]!r}: {r["exceptionDetails"]}')
        return r['result'].get('value')

    def wait_for(self, expression, timeout=None, interval=0.1):
        "Poll `expression` until it is truthy; its value, or TimeoutError."
        deadline = time.time() + (timeout or self.timeout)
        while True:
            value = self.js(expression)
            if value: return value
            if time.time() > deadline: raise TimeoutError(f'waited {timeout or self.timeout} s for {expression}')
            time.sleep(interval)

    def screenshot(self, path, full_page=True, max_height=12000):
        "Save a PNG of the page (the whole page up to `max_height` pixels) to `path`."
        params = dict(format='png')
        if full_page:
            w, h = self.js('[document.documentElement.scrollWidth, document.documentElement.scrollHeight]')
            params.update(captureBeyondViewport=True, clip=dict(x=0, y=0, width=w, height=min(h, max_height), scale=1))
        Path(path).write_bytes(base64.b64decode(self.send('Page.captureScreenshot', **params)['data']))
        return Path(path)

    def errors(self):
        "Uncaught exceptions, console errors and browser log errors (failed loads) seen since the last `goto`."
        out = []
        for e in self.events:
            m, p = e['method'], e.get('params', {})
            if m == 'Runtime.exceptionThrown':
                d = p['exceptionDetails']
                out.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}")
            elif m == 'Runtime.consoleAPICalled' and p.get('type') in ('error', 'assert'):
                out.append('console.error: ' + ' '.join(str(a.get('value', a.get('description'))) for a in p['args']))
            elif m == 'Log.entryAdded' and p['entry']['level'] == 'error':
                out.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
            elif m == 'Network.loadingFailed' and not p.get('canceled'):
                out.append(f"load failed: {p.get('errorText')} (request {p.get('requestId')})")
        return out

    def requested_urls(self):
        "Every URL the page requested since the last `goto`."
        return [e['params']['request']['url'] for e in self.events if e['method'] == 'Network.requestWillBeSent']

    def close(self):
        try: self.ws.close()
        except Exception: pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try: self.proc.wait(10)
            except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        self.log.close()

    def __enter__(self): return self
    def __exit__(self, *exc): self.close()
