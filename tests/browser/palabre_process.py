"""The palabre processes of the browser tests (tests/browser/ui_browser_test.py):
the CLI run with the passphrase on descriptor 3 (never argv or the
environment), the vault made (the examples; for the views case also an
organisation's, with `palabre org`), `palabre ui` on a free loopback port,
the partner server `palabre serve` on a loopback port picked beforehand
(both stopped with SIGTERM), and plain HTTP requests with exactly the
headers given (as from another program holding the browser's cookie).

Errors raise RuntimeError (a palabre that fails, prints no address, or does
not answer); the caller reports the run as broken.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from check_report import info, js_json


def run_palabre(opts, env, args, passphrase, timeout=120):
    """Runs palabre with the passphrase on descriptor 3 (never argv or env)."""
    r, w = os.pipe()

    def passphrase_on_fd3():  # in the child, before exec
        if r == 3:
            os.set_inheritable(3, True)
        else:
            os.dup2(r, 3)
    # Python's own descriptors are not inheritable: only 0-2 and 3 pass.
    child = subprocess.Popen([opts.palabre] + args, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                             close_fds=False, preexec_fn=passphrase_on_fd3)
    os.close(r)
    try:
        os.write(w, f'{passphrase}\n'.encode())
    except BrokenPipeError:
        pass  # palabre may close it before reading all
    finally:
        os.close(w)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise RuntimeError(f'palabre {" ".join(args)}: no answer in {timeout} s')
    return {'code': child.returncode, 'stdout': out.decode('utf-8', 'replace'),
            'stderr': err.decode('utf-8', 'replace')}


def exit_status(returncode):
    """As node reports a child's end: {code, signal}."""
    if returncode is not None and returncode < 0:
        return {'code': None, 'signal': signal.Signals(-returncode).name}
    return {'code': returncode, 'signal': None}


class Background:
    """A palabre that runs until stopped (SIGTERM), its output kept as it
    comes; start() waits for the line `ready` (a compiled regex) it prints."""

    what = 'palabre'

    def __init__(self, env):
        self.env = env
        self.out = {'stdout': '', 'stderr': ''}
        self.exit = None
        self.child = None
        self.readers = []

    @property
    def stdout(self):
        return self.out['stdout']

    @property
    def stderr(self):
        return self.out['stderr']

    def _read(self, stream, name):
        for chunk in iter(lambda: stream.read1(4096), b''):
            self.out[name] += chunk.decode('utf-8', 'replace')

    def _start(self, args, ready, deadline):
        """Starts `args`; returns the match of `ready` in its stdout."""
        self.child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=self.env)
        for stream, name in ((self.child.stdout, 'stdout'), (self.child.stderr, 'stderr')):
            t = threading.Thread(target=self._read, args=(stream, name), daemon=True)
            t.start()
            self.readers.append(t)
        end = time.monotonic() + deadline
        while True:
            m = ready.search(self.stdout)
            if m:
                return m
            if self.child.poll() is not None:
                self._ended()
                raise RuntimeError(f'{self.what} ended at once ({js_json(self.exit)}): '
                                   f'{self.stdout} {self.stderr}')
            if time.monotonic() > end:
                raise RuntimeError(f'{self.what} printed no address in {deadline} s: '
                                   f'{self.stdout} {self.stderr}')
            time.sleep(0.02)

    def _ended(self):
        for t in self.readers:
            t.join(5)
        self.exit = exit_status(self.child.returncode)

    def stop(self, deadline=15):
        if not self.child or self.exit:
            return self.exit
        self.child.send_signal(signal.SIGTERM)
        try:
            self.child.wait(deadline)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()
            self._ended()
            return {'code': None, 'signal': 'SIGKILL (no exit after SIGTERM)'}
        self._ended()
        return self.exit


class UiServer(Background):
    """`palabre ui` on a free loopback port."""

    what = 'palabre ui'
    LINK = re.compile(r'^palabre ui: open (http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+))$', re.M)

    def __init__(self, opts, env, vault, idle_seconds):
        super().__init__(env)
        self.opts, self.vault, self.idle = opts, vault, idle_seconds

    def start(self, deadline=30):
        m = self._start([self.opts.palabre, '--vault', self.vault, 'ui', '--no-browser',
                         '--port', '0', '--idle-lock', str(self.idle)], self.LINK, deadline)
        self.url, self.port, self.token = m.group(1), int(m.group(2)), m.group(3)
        self.origin = f'http://127.0.0.1:{self.port}'
        return self


class PartnerServer(Background):
    """`palabre serve` (the organisation's partner server) on a loopback
    port chosen beforehand (the organisation names its URL)."""

    what = 'palabre serve'
    LISTENING = re.compile(r'^palabre serve: listening on (http://127\.0\.0\.1:(\d+))$', re.M)

    def __init__(self, opts, env, org_file, data_dir, port):
        super().__init__(env)
        self.opts, self.org_file, self.data_dir, self.port = opts, org_file, data_dir, port

    def start(self, deadline=30):
        m = self._start([self.opts.palabre, 'serve', '--org', self.org_file, '--data', self.data_dir,
                         '--listen', f'127.0.0.1:{self.port}'], self.LISTENING, deadline)
        self.url = m.group(1)
        return self


def free_port():
    """A loopback port free now (bound, read, closed): the organisation's
    server URL must be known before the server starts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Answer:
    """An HTTP answer: status, headers (lower-case names), raw (name, value)
    pairs as sent, text, and its JSON (None if it is none)."""

    def __init__(self, status, raw, text):
        self.status, self.raw, self.text = status, raw, text
        self.headers = {}
        for name, value in raw:
            key = name.lower()
            self.headers[key] = f'{self.headers[key]}, {value}' if key in self.headers else value
        try:
            self.json = json.loads(text)
        except ValueError:
            self.json = None


def request(port, method, path, headers=None, body=None):
    """One request from python, with exactly the headers given (Host is
    127.0.0.1:PORT unless given), on a connection of its own."""
    h = dict(headers or {})
    h.setdefault('Host', f'127.0.0.1:{port}')
    data = None
    if body is not None:
        data = body.encode('utf-8')
        h.setdefault('Content-Type', 'application/json')
        h['Content-Length'] = str(len(data))
    h['Connection'] = 'close'
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=20)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in h.items():
            conn.putheader(name, value)
        conn.endheaders(data)
        res = conn.getresponse()
        return Answer(res.status, res.getheaders(), res.read().decode('utf-8', 'replace'))
    except TimeoutError as e:
        raise RuntimeError(f'{method} {path}: no answer in 20 s') from e
    finally:
        conn.close()


def get_json(answer, *keys):
    """answer.json[k1][k2]..., or None where one is missing (JS's ?.)."""
    v = answer.json
    for k in keys:
        if not isinstance(v, dict):
            return None
        v = v.get(k)
    return v

# ------------------------------------------------------------------ vault


def example_sessions(directory):
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith('.json'))
    sessions = []
    for f in files:
        with open(f, encoding='utf-8') as fh:
            data = json.load(fh)
        sessions.extend(data if isinstance(data, list) else [data])
    return files, sessions


def make_vault(opts, env, directory, passphrase, files):
    t0 = time.monotonic()
    init = run_palabre(opts, env, ['--vault', directory, '--passphrase-fd', '3', 'init',
                                   '--kdf', 'interactive'], passphrase)
    if init['code'] != 0:
        raise RuntimeError(f"palabre init failed ({init['code']}): {init['stderr']}")
    outputs = [init['stdout'] + init['stderr']]
    for f in files:
        r = run_palabre(opts, env, ['--vault', directory, '--passphrase-fd', '3', 'session',
                                    'add', '--file', f], passphrase)
        if r['code'] != 0:
            raise RuntimeError(f"palabre session add --file {f} failed ({r['code']}): {r['stderr']}")
        outputs.append(r['stdout'] + r['stderr'])
    info(f'vault made: init + {len(files)} sessions added in {int((time.monotonic() - t0) * 1000)} ms')
    return '\n'.join(outputs)


def make_org(opts, env, vault, passphrase, server_url, org_file):
    """Makes the vault an organisation's (a coordinator's) with its partner
    server at server_url, and writes its public identity to org_file."""
    outputs = []
    for args in (['org', 'init', '--name', 'Réseau test', '--server', server_url],
                 ['org', 'export-public', '--output', org_file]):
        r = run_palabre(opts, env, ['--vault', vault, '--passphrase-fd', '3'] + args, passphrase)
        if r['code'] != 0:
            raise RuntimeError(f"palabre {' '.join(args)} failed ({r['code']}): {r['stderr']}")
        outputs.append(r['stdout'] + r['stderr'])
    return '\n'.join(outputs)


def verify_counts(opts, env, vault, passphrase):
    """`palabre --json verify`: {"entries", "sessions", ...}."""
    r = run_palabre(opts, env, ['--vault', vault, '--passphrase-fd', '3', '--json', 'verify'], passphrase)
    if r['code'] != 0:
        raise RuntimeError(f"palabre verify failed ({r['code']}): {r['stderr']}")
    return json.loads(r['stdout'])
