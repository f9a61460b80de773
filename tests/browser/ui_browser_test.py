#!/usr/bin/env python3
"""Browser tests of `palabre ui` (docs/ui-api.md): the real server on
loopback, against a vault of its own, driven through Debian's chromium by
Debian's chromedriver and python3-selenium (chromium_page.py; nothing is
ever downloaded).

  python3 tests/browser/ui_browser_test.py --palabre PATH --examples DIR \\
          --out DIR --case flow|refusals --lang en|fr [--i18n DIR]

flow:     a facilitator unlocks (a wrong passphrase first), lists and
          filters the sessions, records a new one (steppers, agenda,
          concerns, agreement, commitment, notes), sees its draft kept and
          restored, is told what is wrong (by the page, then by the server),
          saves, finds it by a rare word of its notes, records a follow-up,
          sees the commitment move to Done, switches language, locks, and
          destroys the vault. Every text checked against the string table.
refusals: a wrong passphrase; from python with the browser's cookie: no or
          a wrong CSRF header, a foreign Host, no cookie, the used token;
          the security headers of every answer; a lock behind the page's
          back (423); the idle lock seen by the page and by the server; a
          page whose cookie is gone (401).

Both: every request the browser makes must go to http://127.0.0.1:PORT
(recorded from chromedriver's performance log), no CSP violation, no page
error, no console error but the HTTP errors of the deliberate refusals (each
matched with its response). The passphrase goes to palabre on descriptor 3
only, never in argv or the environment. The string tables are read from
--i18n (default: ui/assets/i18n of this tree). Chromium and chromedriver:
$PALABRE_CHROMIUM (default /usr/bin/chromium), $PALABRE_CHROMEDRIVER
(default /usr/bin/chromedriver). Screenshots: OUT/<lang>/NN-name.png (flow),
OUT/refusals-<lang>/ (refusals).
Exit 0: every check passed; 1: a check failed; 2: the run broke.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from chromium_page import Page  # noqa: E402  pylint: disable=wrong-import-position

HERE = os.path.dirname(os.path.abspath(__file__))
I18N_DIR = os.path.normpath(os.path.join(HERE, '../../ui/assets/i18n'))

# The Content-Security-Policy every answer must carry (docs/ui-api.md).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

# As the playwright-core version had them; --hide-scrollbars as Playwright's
# headless chromium adds it (a scrollbar would take 15 of the 360 pixels).
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                 '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--hide-scrollbars']

# Every page hears its CSP violations and says them on the console.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

# ------------------------------------------------------------------ arguments


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], allow_abbrev=False)
    p.add_argument('--palabre', required=True)
    p.add_argument('--examples', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--case', choices=['flow', 'refusals'], default='flow')
    p.add_argument('--lang', choices=['en', 'fr'], default='en')
    p.add_argument('--i18n', default=I18N_DIR, help='the string tables (<lang>.json)')
    opts = p.parse_args(argv)  # exits with status 2 on a bad argument
    for k in ('palabre', 'examples', 'out', 'i18n'):
        setattr(opts, k, os.path.abspath(getattr(opts, k)))
    return opts

# ------------------------------------------------------------------ checks


results = []
started_at = time.monotonic()
phases = []
_phase = {'name': '', 'start': 0.0}


def now_ms():
    return time.time() * 1000


def phase(name):
    now = time.monotonic()
    if _phase['name']:
        phases.append((_phase['name'], now - _phase['start']))
    _phase.update(name=name, start=now)
    if name:
        print(f'\n-- {name}')


def check(ok, name, detail=None):
    ok = bool(ok)
    results.append({'ok': ok, 'name': name})
    d = '' if detail is None or detail == '' else f' ({detail})'
    print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok and not detail else d}")
    return ok


def js_json(value):
    """JSON as JSON.stringify writes it."""
    return json.dumps(value, ensure_ascii=False, separators=(',', ':'))


def same(a, b):
    """JavaScript's ===, for JSON values."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def check_eq(actual, expected, name):
    ok = same(actual, expected)
    return check(ok, name, '' if ok else f'got {js_json(actual)}, want {js_json(expected)}')


def check_wait(name, fn):
    """Waits (fn polls with a timeout) and records a check; a timeout is a
    failed check, not a broken run."""
    try:
        fn()
        return check(True, name)
    except Exception as e:  # pylint: disable=broad-except
        return check(False, name, (str(e) or type(e).__name__).split('\n')[0])


def info(text):
    print(f'     {text}')


def fill(template, values=None, number=None):
    """{name} placeholders, as the page fills them; numbers through
    `number` (the browser's Intl.NumberFormat for the table's locale)."""
    def one(m):
        key = m.group(1)
        if not values or key not in values:
            return m.group(0)
        v = values[key]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return number(v)
        return str(v)
    return re.sub(r'\{(\w+)\}', one, str(template), flags=re.ASCII)


def spaces(s):
    """Narrow and plain no-break spaces as plain spaces: Intl implementations
    differ on which one French uses."""
    return re.sub('[\u202f\u00a0]', ' ', str(s))


def add_days(ymd, n):
    return (datetime.date.fromisoformat(ymd) + datetime.timedelta(days=n)).isoformat()


def load_table(opts, lang):
    with open(os.path.join(opts.i18n, f'{lang}.json'), encoding='utf-8') as f:
        return json.load(f)

# ------------------------------------------------------------------ processes


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


class UiServer:
    """`palabre ui` on a free loopback port; its output kept as it comes."""

    LINK = re.compile(r'^palabre ui: open (http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]+))$', re.M)

    def __init__(self, opts, env, vault, idle_seconds):
        self.opts, self.env, self.vault, self.idle = opts, env, vault, idle_seconds
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

    def start(self, deadline=30):
        args = [self.opts.palabre, '--vault', self.vault, 'ui', '--no-browser',
                '--port', '0', '--idle-lock', str(self.idle)]
        self.child = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, env=self.env)
        for stream, name in ((self.child.stdout, 'stdout'), (self.child.stderr, 'stderr')):
            t = threading.Thread(target=self._read, args=(stream, name), daemon=True)
            t.start()
            self.readers.append(t)
        end = time.monotonic() + deadline
        while True:
            m = self.LINK.search(self.stdout)
            if m:
                self.url, self.port, self.token = m.group(1), int(m.group(2)), m.group(3)
                self.origin = f'http://127.0.0.1:{self.port}'
                return self
            if self.child.poll() is not None:
                self._ended()
                raise RuntimeError(f'palabre ui ended at once ({js_json(self.exit)}): '
                                   f'{self.stdout} {self.stderr}')
            if time.monotonic() > end:
                raise RuntimeError(f'palabre ui printed no link in {deadline} s: '
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

# ------------------------------------------------------------------ browser

# The security headers of docs/ui-api.md, each sent exactly once with
# exactly its value.
SECURITY_HEADERS = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
}


def header_problems(pairs):
    """Problems with the values ("missing", or another value), and the
    headers sent more than once (apart: a repeated header is one server
    fault, however many answers show it). `pairs`: [(name, value), ...]."""
    values, repeated = [], []
    for name, want in SECURITY_HEADERS.items():
        got = [v for n, v in pairs if n.lower() == name]
        if not got:
            values.append(f'{name} missing')
        elif any(v != want for v in got):
            values.append(f"{name}: {' / '.join(got)}")
        if len(got) > 1:
            repeated.append(f'{name} x{len(got)}')
    return values, repeated


def path_of(url):
    return urllib.parse.urlsplit(url).path


def origin_of(url):
    u = urllib.parse.urlsplit(url)
    return f'{u.scheme}://{u.netloc}'


class Browser:
    """The test's chromium page, what it is expected to be refused, and the
    checks every case ends with."""

    def __init__(self, server, lang, shot_dir):
        self.server, self.lang, self.shot_dir = server, lang, shot_dir
        self.shot_n = 0
        self.expected = []  # deliberate refusals: {method, path_re, status, seen}
        self.page = None
        self.chromium = os.environ.get('PALABRE_CHROMIUM', '/usr/bin/chromium')
        self.chromedriver = os.environ.get('PALABRE_CHROMEDRIVER', '/usr/bin/chromedriver')

    def open(self):
        self.page = Page.launch(self.chromium, self.chromedriver, CHROMIUM_ARGS,
                                viewport=(360, 740),
                                locale='fr-FR' if self.lang == 'fr' else 'en-US',
                                # A fixed zone: the offset the page records with times is known.
                                timezone='Africa/Niamey', has_touch=True)
        self.page.add_init_script(CSP_LISTENER)
        return self.page

    def launch_probe(self):
        """Another chromium, recording nothing: a context of its own."""
        return Page.launch(self.chromium, self.chromedriver, CHROMIUM_ARGS, record=False)

    def tid(self, test_id):
        return self.page.locator(f'[data-testid="{test_id}"]')

    def expect(self, method, path_re, status):
        """A deliberate refusal about to happen: its response and console line
        are expected (and must happen)."""
        self.expected.append({'method': method, 'path_re': re.compile(path_re),
                              'status': status, 'seen': 0})

    def shot(self, name, full_page=False):
        self.shot_n += 1
        path = os.path.join(self.shot_dir, f'{self.shot_n:02d}-{name}.png')
        self.page.screenshot(path, full_page)
        return path

    def number(self, locale):
        """A number formatter: the browser's own Intl.NumberFormat."""
        return lambda n: self.page.evaluate(
            '(loc, n) => new Intl.NumberFormat(loc).format(n)', locale, n)

    def intl_date(self, locale, iso, options):
        """What the browser's own ICU makes of a date."""
        return self.page.evaluate(
            '(loc, iso, opts) => new Intl.DateTimeFormat(loc, opts).format(new Date(iso))',
            locale, iso, options)

    def fetch_json(self, method, url_path, csrf=None, body=None):
        """A request from inside the page: same origin, the cookie is sent;
        the CSRF header only if given. {status, json}."""
        return self.page.evaluate_async("""async (method, urlPath, csrf, hasBody, body) => {
          const headers = { Accept: 'application/json' };
          if (csrf) headers['X-Palabre-CSRF'] = csrf;
          if (hasBody) headers['Content-Type'] = 'application/json';
          const res = await fetch(urlPath, {
            method, headers, credentials: 'same-origin', cache: 'no-store',
            body: hasBody ? JSON.stringify(body) : undefined,
          });
          let json = null;
          try { json = await res.json(); } catch (e) { /* empty */ }
          return { status: res.status, json };
        }""", method, url_path, csrf, body is not None, body)

    def final_checks(self, extra_allowed_console=lambda m: False):
        page = self.page
        page.drain()
        self._check_requests(page)
        self._check_answer_headers(page)
        csp = [m['text'][len('CSP violation: '):] for m in page.console
               if m['text'].startswith('CSP violation: ')]
        check(not csp, 'no CSP violation in the page', ' | '.join(csp[:5]))
        check(not page.page_errors, 'no page error', ' | '.join(page.page_errors[:5]))
        errors_by_status = self._check_http_errors(page)
        self._check_console(page, errors_by_status, extra_allowed_console)

    def _check_requests(self, page):
        origin = self.server.origin
        foreign = [f"{r['method']} {r['url']}" for r in page.requests
                   if origin_of(r['url']) != origin]
        n = len(page.requests)
        check(n > 0 and not foreign,
              f'every one of the {n} requests the browser made went to {origin}',
              ' | '.join(foreign[:5]))

    def _check_answer_headers(self, page):
        judged = [(r, header_problems(page.response_headers(r))) for r in page.responses]

        def where(r):
            return f"{r['status']} {r['method']} {path_of(r['url'])}"
        bad = [(r, p) for r, p in judged if p[0]]
        check(judged and not bad,
              f'each of the {len(judged)} answers the browser got carries the exact CSP, '
              'nosniff, no-referrer, no-store',
              ' | '.join(f"{where(r)}: {'; '.join(p[0])}" for r, p in bad[:3]))
        twice = [(r, p) for r, p in judged if p[1]]
        detail = ''
        if twice:
            detail = (f'{len(twice)} of {len(judged)} repeat them: ' + ' | '.join(
                f"{where(r)} ({', '.join(p[1])})" for r, p in twice[:4]))
        check(not twice, 'and sends each of those headers once', detail)

    def _check_http_errors(self, page):
        """HTTP errors: each must be a deliberate refusal, and each deliberate
        refusal must have happened. Returns {status: how many}."""
        unexpected = []
        errors_by_status = {}
        for r in page.responses:
            if r['status'] < 400:
                continue
            p = path_of(r['url'])
            fits = [x for x in self.expected if x['method'] == r['method']
                    and x['status'] == r['status'] and x['path_re'].search(p)]
            e = next((x for x in fits if x['seen'] == 0), fits[0] if fits else None)
            if not e:
                unexpected.append(f"{r['method']} {p} {r['status']}")
            else:
                e['seen'] += 1
            errors_by_status[r['status']] = errors_by_status.get(r['status'], 0) + 1
        check(not unexpected, 'no HTTP error answer but the deliberate refusals',
              ' | '.join(unexpected))
        missing = [x for x in self.expected if x['seen'] == 0]
        check(not missing, f'each of the {len(self.expected)} deliberate refusals in the '
              'browser was answered as expected',
              ' | '.join(f"{x['method']} /{x['path_re'].pattern}/ {x['status']}" for x in missing))
        return errors_by_status

    def _check_console(self, page, errors_by_status, extra_allowed):
        """"Failed to load resource ... status of N" once per refused answer
        with that status; nothing else."""
        budget = dict(errors_by_status)
        stray = []
        for m in page.console:
            failed = re.match(r'Failed to load resource: the server responded with a status of (\d+)',
                              m['text'])
            if failed and m['type'] == 'error' and budget.get(int(failed.group(1)), 0) > 0:
                budget[int(failed.group(1))] -= 1
                continue
            if extra_allowed(m):
                continue
            stray.append(f"{m['type']}: {m['text']}")
        check(not stray, 'no console error or warning but the HTTP errors of the deliberate refusals',
              ' | '.join(stray[:5]))

    def close(self):
        if self.page:
            try:
                self.page.close()
            except Exception:  # pylint: disable=broad-except
                pass
        self.page = None


def check_strings(b, T, where):
    """Visible texts with a data-i18n* key equal the string table's (those
    with arguments: no placeholder left). Options are checked when their
    select is visible."""
    r = b.page.evaluate("""(T) => {
      const vis = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const bad = [];
      let n = 0;
      const shown = (el) => (el.tagName === 'OPTION' ? vis(el.closest('select')) : vis(el));
      for (const el of document.querySelectorAll('[data-i18n]')) {
        if (!shown(el)) continue;
        n += 1;
        const key = el.dataset.i18n;
        const text = el.textContent;
        if (el.dataset.i18nArgs) {
          if (/\\{\\w+\\}/.test(text) || text === key) bad.push(`${key}: "${text}"`);
          continue;
        }
        if (typeof T[key] !== 'string') bad.push(`${key}: no such key in the table`);
        else if (text !== T[key]) bad.push(`${key}: "${text}" instead of "${T[key]}"`);
      }
      for (const attr of ['placeholder', 'aria-label', 'title']) {
        for (const el of document.querySelectorAll(`[data-i18n-${attr}]`)) {
          if (!shown(el)) continue;
          n += 1;
          const key = el.getAttribute(`data-i18n-${attr}`);
          const text = el.getAttribute(attr);
          if (el.dataset.i18nArgs) {
            if (!text || /\\{\\w+\\}/.test(text)) bad.push(`${attr} ${key}: "${text}"`);
          } else if (text !== T[key]) bad.push(`${attr} ${key}: "${text}" instead of "${T[key]}"`);
        }
      }
      return { n, bad };
    }""", T)
    check(r['n'] > 0 and not r['bad'],
          f"{where}: the {r['n']} visible texts with a key are the {T['locale']} table's",
          ' | '.join(r['bad'][:4]))


def audit(b, name):
    """Labels, target sizes, overflow at 360 px (the front end's own checks)."""
    r = b.page.evaluate("""() => {
      const out = { unlabelled: [], small: [], overflow: document.documentElement.scrollWidth - window.innerWidth };
      const vis = (el) => { const x = el.getBoundingClientRect(); return x.width > 0 && x.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
      for (const el of document.querySelectorAll('input, select, textarea')) {
        if (!vis(el)) continue;
        if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) out.unlabelled.push(el.id || el.outerHTML.slice(0, 60));
      }
      for (const el of document.querySelectorAll('button, a[href], select, input, summary')) {
        if (!vis(el)) continue;
        if (el.closest('dd, p.hint') && el.tagName === 'A') continue;
        const x = el.getBoundingClientRect();
        if (x.height < 43.5 || (x.width < 43.5 && el.tagName !== 'INPUT')) out.small.push(`${el.tagName}#${el.id} ${Math.round(x.width)}x${Math.round(x.height)}`);
      }
      return out;
    }""")
    check(not r['unlabelled'] and not r['small'] and r['overflow'] <= 0,
          f'{name}: every field labelled, targets >= 44 px, no sideways scroll at 360 px',
          f"{' '.join(r['unlabelled'])} {' '.join(r['small'][:4])} overflow {r['overflow']}")


def visible_screen(b):
    return b.page.evaluate("""() => {
      const s = Array.from(document.querySelectorAll('main > section.screen')).find((el) => !el.hidden);
      return s ? s.id : '';
    }""")

# ------------------------------------------------------------------ flow


def unlock_screen_checks(b, T, lang):
    page = b.page
    b.tid('passphrase').wait_for()
    check_eq(page.evaluate('() => document.documentElement.lang'), T['locale'], f"html lang is {T['locale']}")
    check_eq(page.locator('#unlock-title').text_content(), T['unlock.title'], 'unlock title from the table')
    check_eq(b.tid('unlock-button').text_content(), T['unlock.submit'], 'unlock button from the table')
    check_eq(page.title(), fill(T['screen.title'], {'screen': T['screen.unlock']}), 'document title from the table')
    check_eq(b.tid('lang-switch').input_value(), lang, f'language switch shows {lang}')
    check('token' not in page.url(), 'the token left the address bar after the exchange', page.url())


def wrong_passphrase(b, T):
    page = b.page
    b.expect('POST', r'^/api/unlock$', 401)
    b.tid('passphrase').fill('not the passphrase at all')
    b.tid('unlock-button').click()
    check_wait('wrong passphrase: the message is shown', lambda: page.wait_for_function(
        "() => document.getElementById('unlock-error').textContent.length > 0"))
    check_eq(b.tid('unlock-error').text_content(), T['error.wrong_passphrase'],
             "wrong passphrase: the table's message")
    check_eq(page.evaluate('() => document.activeElement && document.activeElement.id'), 'passphrase',
             'wrong passphrase: focus back on the field')
    check(b.tid('passphrase').is_visible(), 'wrong passphrase: still on the unlock screen')


def unlock(b, passphrase):
    b.tid('passphrase').fill(passphrase)
    b.page.press('Enter')


def wait_count(page, n, also_idle=False):
    """Waits for exactly n listed sessions (and the list not busy)."""
    idle = " && !document.getElementById('sessions-list').hasAttribute('aria-busy')" if also_idle else ''
    return lambda: page.wait_for_function(
        f"(n) => document.querySelectorAll('[data-testid=session-item]').length === n{idle}", n)


class Flow:
    """The flow case, one method per phase; what a phase learns (today, the
    new session's id...) is kept on self for the next."""

    def __init__(self, opts, server, b, passphrase, examples):
        self.opts, self.server, self.b, self.passphrase = opts, server, b, passphrase
        self.lang = opts.lang
        self.other = 'en' if self.lang == 'fr' else 'fr'
        self.T = load_table(opts, self.lang)
        self.O = load_table(opts, self.other)
        self.L = self.T['locale']
        self.page = b.page
        self.tid = b.tid
        sessions = examples[1]
        self.n_sessions = len(sessions)
        self.n_sac = sum(1 for s in sessions if s.get('kind') == 'security_advisory_committee')
        self.n_commitments = sum(len(s['commitments']) for s in sessions
                                 if isinstance(s.get('commitments'), list))
        self.newest = sorted(sessions, key=lambda s: datetime.datetime.fromisoformat(s['started_at']),
                             reverse=True)[0]
        fr = self.lang == 'fr'
        self.rare = 'zebrafinch'
        self.title = 'Dialogue test à Ménaka' if fr else 'Test dialogue in Ménaka'
        self.action = 'Publier les horaires des patrouilles.' if fr else 'Publish the patrol schedule.'

    def fill_l(self, template, values):
        """fill() with numbers in the table's locale."""
        return fill(template, values, self.b.number(self.L))

    def run(self):
        for step in (self.unlock, self.list_and_filters, self.new_session, self.draft,
                     self.validation, self.save_and_detail, self.search, self.board_and_follow_up,
                     self.language_switch, self.lock, self.wipe):
            step()
        reqs = [r for r in self.page.recorded_requests() if self.passphrase in r['url']]
        check(not reqs, 'the passphrase is in no request address')

    def unlock(self):
        b, T, page, tid = self.b, self.T, self.page, self.tid
        phase('unlock')
        page.goto(self.server.url)
        unlock_screen_checks(b, T, self.lang)
        check_eq(page.locator('#unlock-idle').text_content(),
                 self.fill_l(T['unlock.idle_note.other'], {'n': 5}), 'unlock: the idle note says 5 minutes')
        check_strings(b, T, 'unlock screen')
        audit(b, 'unlock')
        b.shot('unlock')
        wrong_passphrase(b, T)
        b.shot('unlock-wrong-passphrase')
        unlock(b, self.passphrase)
        page.locator('#screen-sessions').wait_for()
        tid('session-item').first().wait_for()

    def list_and_filters(self):
        b, T, L, page, tid = self.b, self.T, self.L, self.page, self.tid
        phase('list and filters')
        state = b.fetch_json('GET', '/api/state')['json']
        check_eq(state['locked'], False, 'GET /api/state: unlocked')
        self.today = state['today']
        n, newest = self.n_sessions, self.newest
        check_eq(tid('session-item').count(), n, f'the list shows the {n} example sessions')
        check_eq(tid('sessions-count').text_content(), self.fill_l(T['sessions.count.other'], {'n': n}),
                 'the count line from the table')
        check_eq(tid('passphrase').input_value(), '', 'the passphrase field is emptied')
        first = tid('session-item').first()
        check_eq(first.locator('h2').text_content(), newest['title'], 'newest session first')
        want_date = b.intl_date(L, f"{newest['started_at'][:10]}T00:00:00Z",
                                {'dateStyle': 'medium', 'timeZone': 'UTC'})
        shown_date = first.locator('.card-meta span').first().text_content()
        check_eq(shown_date, want_date, f'list dates in the {L} format')
        fr = self.lang == 'fr'
        looks = (re.fullmatch(r'\d{1,2} [a-zéû]+\.? \d{4}', spaces(shown_date), re.ASCII) if fr
                 else re.fullmatch(r'[A-Z][a-z]{2} \d{1,2}, \d{4}', shown_date, re.ASCII))
        check(looks, f"list date looks {'French (day month year)' if fr else 'English (Month day, year)'}",
              shown_date)
        check_eq(first.locator('.card-meta span').nth(2).text_content(), T[f"kind.{newest['kind']}"],
                 'session kind named from the table')
        check_strings(b, T, 'sessions screen')
        audit(b, 'sessions')
        b.shot('sessions')
        tid('filters-toggle').click()
        tid('filter-kind').select_option('security_advisory_committee')
        b.shot('filters')
        tid('filters-apply').click()
        check_wait(f'kind filter narrows the list to the {self.n_sac} committee sessions',
                   wait_count(page, self.n_sac, also_idle=True))
        check(all(T['kind.security_advisory_committee'] in t
                  for t in tid('session-item').all_text_contents()),
              'every listed session is a committee session')
        b.shot('filtered')
        tid('filters-clear').click()
        check_wait('clearing the filters shows every session again', wait_count(page, n))

    def new_session(self):
        b, T, L, page, tid = self.b, self.T, self.L, self.page, self.tid
        fr = self.lang == 'fr'
        phase('new session')
        self.session_date = add_days(self.today, -7)
        self.due = add_days(self.today, -2)
        self.next = add_days(self.today, 23)
        tid('new-session-button').click()
        page.locator('#screen-new').wait_for()
        page.wait_for_function("() => !document.getElementById('session-form').inert")
        check_eq(page.title(), fill(T['screen.title'], {'screen': T['screen.new']}),
                 'new session: document title from the table')
        check_wait("new session: the country defaults to the latest session's", lambda: page.wait_for_function(
            "(c) => document.getElementById('f-country').value === c", self.newest['place']['country'].upper()))
        check_eq(tid('field-started-date').input_value(), self.today, 'new session: the date defaults to today')
        check_strings(b, T, 'new session form')
        audit(b, 'new session form')
        b.shot('new-empty')
        tid('field-kind').select_option('community_dialogue')
        tid('field-title').fill(self.title)
        tid('field-started-date').fill(self.session_date)
        tid('field-started-time').fill('09:30')
        tid('field-ended-time').fill('12:15')
        tid('field-country').fill('ml')
        tid('field-region').fill('Ménaka')
        tid('field-commune').fill('Ménaka')
        check_eq(page.locator('#f-offset-hint').text_content(), fill(T['form.offset_hint'], {'offset': '+01:00'}),
                 "the offset hint names this device's offset")
        # Steppers, by touch.
        tid('field-by_sex-female').fill('1200')
        for _ in range(3):
            tid('inc-by_sex-female').tap()
        check_eq(tid('field-by_sex-female').input_value(), '1203', 'stepper +: three taps add three')
        tid('field-by_sex-male').fill('5')
        tid('dec-by_sex-male').tap()
        check_eq(tid('field-by_sex-male').input_value(), '4', 'stepper −: one tap takes one')
        check_eq(spaces(tid('total-by_sex').text_content()), spaces(self.fill_l(T['form.total'], {'n': 1207})),
                 f'the total is written the {L} way')
        page.locator('details[data-dim=by_group] > summary').tap()
        tid('inc-by_group-youth').tap()
        tid('add-agenda').click()
        check_eq(page.evaluate('() => document.activeElement.dataset.testid'), 'field-agenda-0',
                 'adding an agenda item moves the focus to it')
        tid('field-agenda-0').fill('Sécurité du marché' if fr else 'Market safety')
        tid('add-concern').click()
        tid('add-concern').click()
        check_eq(tid('concern-item').count(), 2, 'two concern blocks')
        tid('field-concern-0-category').select_option('police_conduct')
        tid('field-concern-0-raised_by').select_option('youth')
        tid('field-concern-0-summary').fill('Contrôles arbitraires au poste nord.' if fr
                                            else 'Arbitrary checks at the north post.')
        tid('field-concern-1-category').select_option('armed_groups')
        tid('field-concern-1-summary').fill('Hommes armés signalés sur la route.' if fr
                                            else 'Armed men reported on the road.')
        tid('add-agreement').click()
        tid('field-agreement-0').fill('Réunion mensuelle jeunes–police.' if fr else 'Monthly youth–police meeting.')
        tid('add-commitment').click()
        tid('field-commitment-0-action').fill(self.action)
        tid('field-commitment-0-owner').fill('Commissariat de Ménaka' if fr else 'Ménaka police station')
        tid('field-commitment-0-due').fill(self.due)
        tid('field-notes').fill(f'Première ligne.\nMot rare : {self.rare}.' if fr
                                else f'First line.\nRare word: {self.rare}.')
        tid('field-next-meeting').fill(self.next)

    def draft(self):
        b, T, page, tid, rare = self.b, self.T, self.page, self.tid, self.rare
        phase('draft')
        draft = None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            draft = b.fetch_json('GET', '/api/draft')['json']
            d = (draft or {}).get('draft')
            if isinstance(d, dict) and d.get('next_meeting') == self.next:
                break
            time.sleep(0.25)
        d = (draft or {}).get('draft') or {}
        check(d.get('title') == self.title and isinstance(d.get('concerns'), list) and len(d['concerns']) == 2
              and isinstance(d.get('commitments'), list) and len(d['commitments']) == 1
              and rare in str(d.get('notes')),
              'GET /api/draft: the form was saved as a draft in the vault (title, 2 concerns, 1 commitment, notes)',
              js_json((draft or {}).get('draft'))[:200])
        saved_at = (draft or {}).get('saved_at')
        check(isinstance(saved_at, (int, float)) and not isinstance(saved_at, bool)
              and abs(saved_at - now_ms()) < 120000, 'the draft has a recent saved_at', str(saved_at))
        check_wait('the draft status line says when it was saved', lambda: page.wait_for_function(
            "() => /\\d/.test(document.getElementById('draft-state').textContent)"))
        check_strings(b, T, 'filled form')
        b.shot('new-filled', True)
        page.reload()
        page.locator('#screen-new').wait_for()
        check_wait('after a reload the draft is restored', lambda: tid('draft-restored').wait_for())
        restored = tid('draft-restored').text_content()
        check(restored.startswith(T['draft.restored_at'].split('{time}')[0]),
              'the restored notice from the table', restored)
        check_eq(tid('field-title').input_value(), self.title, 'restored: title')
        check_eq(tid('concern-item').count(), 2, 'restored: two concerns')
        check_eq(tid('field-started-time').input_value(), '09:30', 'restored: start time')
        check_eq(tid('field-by_sex-female').input_value(), '1203', 'restored: participants')
        check_eq(tid('field-commitment-0-due').input_value(), self.due, 'restored: commitment due date')
        check(rare in tid('field-notes').input_value(), 'restored: notes')
        b.shot('draft-restored')

    def validation(self):
        b, T, page, tid = self.b, self.T, self.page, self.tid
        phase('validation')
        tid('field-title').fill('')
        tid('save-button').click()
        tid('form-error').wait_for()
        check_eq(page.locator('#form-error-lead').text_content(), self.fill_l(T['form.errors_lead'], {'n': 1}),
                 'page check: the error summary from the table')
        want_title_err = fill(T['validation.required'], {'field': T['form.title_field']})
        check_eq('|'.join(page.locator('#form-error-list li').all_text_contents()), want_title_err,
                 'page check: "title required" and nothing else')
        check_eq(page.evaluate('() => document.activeElement.id'), 'form-error',
                 'page check: the summary takes the focus')
        b.shot('client-error')
        tid('form-error').locator('button').first().click()
        check_eq(page.evaluate('() => document.activeElement.id'), 'f-title', 'page check: its link focuses the title')
        tid('field-title').fill(self.title)
        # A due date the date field takes (a five-digit year, as a slip on the
        # keyboard makes) but the record rules refuse: the server says so.
        bad_due = f'2{self.due}'
        tid('field-commitment-0-due').fill(bad_due)
        check_eq(tid('field-commitment-0-due').input_value(), bad_due, f'the date field accepts {bad_due}')
        b.expect('POST', r'^/api/sessions$', 400)
        tid('save-button').click()
        check_wait('server check: its message naming commitments[0].due is shown', lambda: page.wait_for_function(
            "() => document.getElementById('form-error-server').textContent.includes('commitments[0].due')"))
        info(f"server said: {page.locator('#form-error-server').text_content()}")
        check_eq(page.locator('#form-error-lead').text_content(), T['error.invalid_record'],
                 'server check: the lead from the table')
        check_eq(page.locator('#form-error-list li').first().text_content(),
                 fill(T['form.go_to_field'], {'field': T['form.commitment_due']}),
                 'server check: a link to the due date field')
        b.shot('server-error')
        tid('form-error').locator('button').first().click()
        check_eq(page.evaluate('() => document.activeElement.dataset.testid'), 'field-commitment-0-due',
                 'server check: the link focuses the due date')
        tid('field-commitment-0-due').fill(self.due)

    def save_and_detail(self):
        b, T, L, page, tid = self.b, self.T, self.L, self.page, self.tid
        phase('save and detail')
        tid('save-button').click()
        check_wait('saved: the page shows the new session', lambda: page.wait_for_function(
            '() => /^#\\/sessions\\/[0-9a-f]{32}$/.test(location.hash)'))
        self.sid = page.evaluate('() => location.hash').split('/')[2]
        tid('session-title').wait_for()
        check_eq(tid('session-title').text_content(), self.title, 'detail: title')
        check_wait('detail: "session saved" shown', lambda: page.wait_for_function(
            "(txt) => document.getElementById('status').textContent === txt", T['form.saved']))
        check_eq(page.title(), fill(T['screen.title'], {'screen': T['screen.session']}),
                 'detail: the document title holds no record text')
        check_eq(tid('session-concern').count(), 2, 'detail: two concerns')
        check_eq(tid('session-concern').first().locator('.badge-category').text_content(),
                 T['category.police_conduct'], 'detail: category named from the table')
        check_eq(spaces(tid('session-participants').text_content()),
                 spaces(self.fill_l(T['sessions.participants.other'], {'n': 1207})),
                 f'detail: 1207 participants written the {L} way')
        total = spaces(tid('session-participants').text_content())
        check(total.startswith('1 207') if self.lang == 'fr' else total.startswith('1,207'),
              f'detail: number grouping of {L}', total)
        check(self.rare in tid('session-notes').text_content(), 'detail: notes')
        started = page.locator('#session-detail dd').first().text_content()
        want_started = fill(T['format.datetime_offset'], {
            'datetime': b.intl_date(L, f'{self.session_date}T09:30:00Z',
                                    {'dateStyle': 'medium', 'timeStyle': 'short', 'timeZone': 'UTC'}),
            'offset': '+01:00'})
        check_eq(started, want_started, f'detail: start time as it was lived, in the {L} format')
        clock = re.search('09:30', started) if self.lang == 'fr' else re.search(r'9:30\sAM', started)
        check(clock, f"detail: {'24-hour' if self.lang == 'fr' else '12-hour'} clock", started)
        self.check_stored()
        draft_gone = False
        end = time.monotonic() + 10
        while time.monotonic() < end:
            g = b.fetch_json('GET', '/api/draft')['json']
            if isinstance(g, dict) and 'draft' in g and g['draft'] is None:
                draft_gone = True
                break
            time.sleep(0.2)
        check(draft_gone, 'the draft is deleted once the session is saved')
        check_strings(b, T, 'session detail')
        audit(b, 'session detail')
        b.shot('detail', True)

    def check_stored(self):
        stored = self.b.fetch_json('GET', f'/api/sessions/{self.sid}')['json']
        rec = (stored or {}).get('session') or {}
        check_eq(rec.get('started_at'), f'{self.session_date}T09:30:00+01:00', 'stored: started_at with the device offset')
        check_eq(rec.get('ended_at'), f'{self.session_date}T12:15:00+01:00', 'stored: ended_at on the same day')
        p = rec.get('participants') or {}
        check((p.get('by_sex') or {}).get('female') == 1203 and (p.get('by_sex') or {}).get('male') == 4
              and (p.get('by_group') or {}).get('youth') == 1,
              'stored: participants by sex and group', js_json(rec.get('participants')))
        check_eq((rec.get('place') or {}).get('country'), 'ML', 'stored: country in capitals')

        def n(key):
            return len(rec[key]) if isinstance(rec.get(key), list) else None
        check(n('concerns') == 2 and n('agenda') == 1 and n('agreements') == 1 and n('commitments') == 1
              and rec['commitments'][0].get('due') == self.due and rec.get('next_meeting') == self.next
              and rec['concerns'][0].get('raised_by') == 'youth',
              'stored: agenda, 2 concerns, agreement, commitment with its due date, next meeting',
              js_json(rec)[:300])

    def search(self):
        b, T, page, tid, rare, sid = self.b, self.T, self.page, self.tid, self.rare, self.sid
        phase('search')
        tid('nav-sessions').click()
        tid('session-item').first().wait_for()
        if self.session_date >= self.newest['started_at'][:10]:
            check_eq(tid('session-item').first().get_attribute('data-id'), sid, 'the new session heads the list')
        else:
            check(page.locator(f'[data-testid=session-item][data-id="{sid}"]').count() == 1,
                  'the new session is in the list')
        tid('search-box').fill(rare)
        page.press('Enter')
        check_wait(f'searching "{rare}" (a word of the notes) finds exactly one session',
                   wait_count(page, 1, also_idle=True))
        check_eq(tid('session-item').first().get_attribute('data-id'), sid, 'search: it is the new session')
        check_eq(tid('sessions-count').text_content(), self.fill_l(T['sessions.count.one'], {'n': 1}),
                 'search: "1 session" from the table')
        text = urllib.parse.quote(f'MENAKA {rare}', safe="-_.!~*'()")
        folded = b.fetch_json('GET', f'/api/sessions?text={text}')['json']
        check(isinstance(folded, dict) and folded.get('total') == 1 and folded['sessions'][0].get('id') == sid,
              'the same search without accents, in capitals, finds it too', js_json(folded)[:120])
        b.shot('search')
        tid('session-item').locator('a').click()
        tid('session-title').wait_for()
        check_eq(tid('session-title').text_content(), self.title, 'the search result opens the session')
        tid('session-commitment').locator('a').click()
        tid('commitment-action').wait_for()
        self.cid = page.evaluate('() => location.hash').split('/')[2]
        check_eq(tid('commitment-action').text_content(), self.action, 'commitment: its action')
        check_eq(tid('commitment-status').get_attribute('data-column'), 'overdue',
                 'commitment: overdue (due two days ago)')
        check_eq(tid('followup-date').input_value(), self.today, 'follow-up date defaults to today')
        check_eq(tid('followup-date').get_attribute('max'), self.today, 'follow-up date: no day after today')
        check_strings(b, T, 'commitment detail')
        audit(b, 'commitment')
        b.shot('commitment', True)

    def board_and_follow_up(self):
        b, T, L, page, tid, cid = self.b, self.T, self.L, self.page, self.tid, self.cid
        phase('board and follow-up')
        tid('nav-commitments').click()
        card = page.locator(f'[data-testid=commitment-card][data-id="{cid}"]')
        card.wait_for()
        n = self.n_commitments + 1
        check_eq(tid('commitment-card').count(), n, f'the board holds the {n} commitments')
        check_eq(card.get_attribute('data-column'), 'overdue', 'board: the new commitment is in Overdue')
        check(page.locator(f'#col-overdue [data-id="{cid}"]').count() == 1,
              'board: its card sits in the Overdue column')
        late = self.fill_l(T['commitment.days_late.other'], {'n': 2})
        card_text = card.text_content()
        check(late in card_text, 'board: "2 days late" from the table', card_text)
        check_strings(b, T, 'board')
        audit(b, 'board')
        b.shot('board-before', True)
        card.locator('a').click()
        tid('commitment-action').wait_for()
        tid('followup-status').select_option('done')
        tid('followup-note').fill('Horaires affichés au marché.' if self.lang == 'fr'
                                  else 'Schedule posted at the market.')
        tid('followup-submit').click()
        check_wait('follow-up recorded: the commitment is now Done', lambda: page.wait_for_function(
            "() => { const s = document.querySelector('[data-testid=commitment-status]');"
            " return s && s.dataset.column === 'done'; }"))
        check_eq(tid('follow-up').count(), 1, 'the follow-up is listed')
        saved = fill(T['followup.saved'], {'status': T['status.done'], 'column': T['board.col_done']})
        check_wait('the "follow-up recorded" message from the table', lambda: page.wait_for_function(
            "(txt) => document.getElementById('status').textContent === txt", saved))
        fu_date = tid('follow-up').locator('.follow-up-date').text_content()
        check_eq(fu_date, b.intl_date(L, f'{self.today}T00:00:00Z', {'dateStyle': 'long', 'timeZone': 'UTC'}),
                 f'the follow-up date in the {L} long format')
        b.shot('after-followup', True)
        page.go_back()
        check_wait('back on the board, the card moved to Done', lambda: page.wait_for_function("""(id) => {
            const c = document.querySelector(`#col-done [data-testid=commitment-card][data-id="${id}"]`);
            return c && c.dataset.column === 'done';
          }""", cid))
        check(page.locator(f'#col-overdue [data-id="{cid}"]').count() == 0, 'and left Overdue')
        b.shot('board-after')

    def language_switch(self):
        b, T, O, page, tid = self.b, self.T, self.O, self.page, self.tid
        lang, other = self.lang, self.other
        board_title_is = "(txt) => document.getElementById('board-title').textContent === txt"
        board_idle = "() => !document.getElementById('board').hasAttribute('aria-busy')"
        phase('language switch')
        tid('lang-switch').select_option(other)
        check_wait(f"switched to {other}: the board title is the {other} table's",
                   lambda: page.wait_for_function(board_title_is, O['board.title']))
        check_eq(page.evaluate('() => document.documentElement.lang'), O['locale'], f"html lang is now {O['locale']}")
        check_eq(page.evaluate("() => localStorage.getItem('palabre.lang')"), other, 'the choice is remembered')
        check_eq(js_json(page.evaluate('() => Object.keys(localStorage)')), '["palabre.lang"]',
                 'localStorage holds the language only')
        page.wait_for_function(board_idle)
        check_strings(b, O, f'board in {other}')
        check_eq(page.title(), fill(O['screen.title'], {'screen': O['screen.commitments']}), f'document title in {other}')
        b.shot(f'board-in-{other}')
        tid('lang-switch').select_option(lang)
        check_wait(f'back to {lang}', lambda: page.wait_for_function(board_title_is, T['board.title']))
        page.wait_for_function(board_idle)
        check_strings(b, T, f'board in {lang} again')

    def lock(self):
        b, T, page, tid = self.b, self.T, self.page, self.tid
        phase('lock')
        tid('lock-button').click()
        tid('passphrase').wait_for('visible')
        check_eq(visible_screen(b), 'screen-unlock', 'Lock: back to the unlock screen')
        check_eq(tid('unlock-reason').text_content(), T['unlock.reason_user'], 'Lock: the reason from the table')
        left = page.evaluate("""(words) => {
          const values = Array.from(document.querySelectorAll('input, textarea')).map((e) => e.value).join('\\n');
          const text = document.body.textContent;
          return {
            cards: document.querySelectorAll('[data-testid=commitment-card], [data-testid=session-item]').length,
            details: document.querySelectorAll('#session-detail *, #commitment-detail *').length,
            words: words.filter((w) => text.includes(w) || values.includes(w)),
          };
        }""", [self.rare, self.title, self.action])
        check(left['cards'] == 0 and left['details'] == 0 and not left['words'],
              'Lock: no record is left in the page (lists, details, form, texts)', js_json(left))
        st = b.fetch_json('GET', '/api/state')['json']
        check_eq((st or {}).get('locked'), True, 'Lock: GET /api/state says locked')
        b.expect('GET', r'^/api/sessions$', 423)
        after = b.fetch_json('GET', '/api/sessions')
        code = ((after.get('json') or {}).get('error') or {}).get('code')
        check(after['status'] == 423 and code == 'locked', 'Lock: GET /api/sessions answers 423 locked', js_json(after))
        check_strings(b, T, 'locked')
        b.shot('locked')

    def wipe(self):
        """Destroying the records needs no unlock (a checkpoint), only the word."""
        b, T, page, tid, vault = self.b, self.T, self.page, self.tid, self.server.vault
        phase('wipe')
        tid('unlock-wipe-link').click()
        tid('wipe-word').wait_for('visible')
        check_eq(visible_screen(b), 'screen-wipe', 'Wipe: reached from the unlock screen, locked')
        check_eq(page.locator('#wipe-label').text_content(), fill(T['wipe.confirm_label'], {'word': T['wipe.word']}),
                 'Wipe: the word to type, from the table')
        check_strings(b, T, 'wipe')
        audit(b, 'wipe')
        tid('wipe-word').fill('NO')
        check(tid('wipe-button').is_disabled(), 'Wipe: another word leaves the button disabled')
        # Typed as a phone keyboard might: lower case, without accents.
        typed = re.sub('[\u0300-\u036f]', '', unicodedata.normalize('NFD', T['wipe.word'])).lower()
        tid('wipe-word').fill(typed)
        check(not tid('wipe-button').is_disabled(), f'Wipe: "{typed}" enables the button')
        check(os.path.exists(os.path.join(vault, 'keys')), 'Wipe: the vault is still there before the button')
        b.shot('wipe')
        tid('wipe-button').click()
        tid('screen-wiped').wait_for('visible')
        check_eq(visible_screen(b), 'screen-wiped', 'Wipe: the page says the records were destroyed')
        check(not os.path.exists(os.path.join(vault, 'keys'))
              and not os.path.exists(os.path.join(vault, 'palabre.db')),
              'Wipe: the keys file and the database are gone from the disk')
        check_strings(b, T, 'wiped')
        b.shot('wiped')
        b.expect('POST', r'^/api/unlock$', 404)
        csrf_now = (b.fetch_json('GET', '/api/state')['json'] or {}).get('csrf')
        gone = b.fetch_json('POST', '/api/unlock', csrf_now, {'passphrase': self.passphrase})
        check_eq(gone['status'], 404, 'Wipe: unlocking afterwards finds no vault')

# ------------------------------------------------------------------ refusals


class Refusals:
    """The refusals case, one method per phase."""

    def __init__(self, opts, server, b, passphrase, examples):
        self.opts, self.server, self.b, self.passphrase = opts, server, b, passphrase
        self.T = load_table(opts, opts.lang)
        self.L = self.T['locale']
        self.page = b.page
        self.tid = b.tid
        self.port = server.port
        self.sessions = examples[1]
        self.n_sessions = len(self.sessions)
        self.repeated_headers = []  # answers (to python) whose security headers came twice

    def run(self):
        for step in (self.token_exchange, self.refusals_from_python, self.lock_behind_its_back,
                     self.idle_lock_seen_by_the_page, self.idle_lock_by_the_server,
                     self.browser_enforces_csp, self.cookie_gone):
            step()

    def req(self, method, path, headers=None, body=None):
        return request(self.port, method, path, headers, body)

    def check_headers(self, res, what):
        values, repeated = header_problems(res.raw)
        if repeated:
            self.repeated_headers.append(f"{res.status} {what}: {', '.join(repeated)}")
        return check(not values, f'{what}: the exact CSP, nosniff, no-referrer, no-store', '; '.join(values))

    def check_refused(self, res, status, code, what):
        err = get_json(res, 'error')
        ok = (res.status == status and isinstance(err, dict) and err.get('code') == code
              and isinstance(err.get('message'), str)
              and re.search('application/json', res.headers.get('content-type', '')))
        check(ok, f'{what}: {status} {code}', '' if ok else f'{res.status} {res.text[:160]}')
        self.check_headers(res, f'{what} (refused)')

    def token_exchange(self):
        b, T, page = self.b, self.T, self.page
        phase('token exchange and wrong passphrase')
        page.goto(self.server.url)
        page.drain()
        first = next((r for r in page.responses if r['url'] == self.server.url
                      and 300 <= r['status'] < 400), None)
        if first:
            pairs = page.response_headers(first)
            h = {}
            for name, value in pairs:
                key = name.lower()
                h[key] = f'{h[key]}\n{value}' if key in h else value
            check_eq(first['status'], 303, 'the token link answers 303')
            check_eq(h.get('location'), '/', 'and sends the browser to /')
            cookie = h.get('set-cookie', '')
            check(re.match(r'palabre_ui=[0-9a-f]{64};', cookie) and 'HttpOnly' in cookie
                  and 'SameSite=Strict' in cookie and 'Path=/' in cookie,
                  'the session cookie is HttpOnly, SameSite=Strict, Path=/',
                  re.sub(r'=[0-9a-f]{64}', '=…', cookie, count=1))
            values, repeated = header_problems(pairs)
            check(not values and not repeated,
                  'the 303 carries the exact CSP, nosniff, no-referrer, no-store, once each',
                  '; '.join(values + repeated))
        else:
            main = next((r for r in page.responses if r['url'].startswith(self.server.origin)), None)
            check(False, 'the token link answers with a redirect', str(main['status']) if main else 'no response')
        unlock_screen_checks(b, T, self.opts.lang)
        b.shot('unlock')
        wrong_passphrase(b, T)
        b.shot('unlock-wrong-passphrase')

    def refusals_from_python(self):
        page, port, passphrase = self.page, self.port, self.passphrase
        phase("refusals from python, with the browser's cookie")
        c = next((x for x in page.cookies() if x['name'] == 'palabre_ui'), None)
        check(c and c.get('httpOnly') and c.get('sameSite') == 'Strict',
              'the browser holds the palabre_ui cookie, HttpOnly and SameSite=Strict',
              js_json(c and {'httpOnly': c.get('httpOnly'), 'sameSite': c.get('sameSite')}))
        if not c:
            raise RuntimeError('no session cookie: cannot go on')
        self.cookie = cookie = f"palabre_ui={c['value']}"
        check('palabre_ui' not in page.evaluate('() => document.cookie'), "the page's script cannot read the cookie")
        state = self.req('GET', '/api/state', {'Cookie': cookie})
        check_eq(state.status, 200, 'GET /api/state with the cookie: 200')
        self.check_headers(state, 'GET /api/state')
        self.csrf = csrf = get_json(state, 'csrf')
        check(re.fullmatch(r'[0-9a-f]{64}', csrf or ''), 'the state gives a CSRF value (64 hex)', str(csrf))
        check_eq(get_json(state, 'locked'), True, 'the vault is locked after the wrong passphrase')
        check_eq(get_json(state, 'idle_lock_seconds'), 4, 'the state says idle_lock_seconds 4')
        self.csrf_refusals(cookie, csrf)
        self.host_refusals(cookie, csrf)
        self.cookie_and_token_refusals(cookie, csrf)
        for p in ['/', '/app.js', '/app.css', '/api/i18n/en', '/api/vocabulary']:
            r = self.req('GET', p, {'Cookie': cookie})
            check_eq(r.status, 200, f'GET {p} with the cookie: 200')
            self.check_headers(r, f'GET {p}')
        self.check_refused(self.req('GET', '/nowhere.html', {'Cookie': cookie}), 404, 'not_found', 'GET /nowhere.html')
        self.check_refused(self.req('GET', '/api/sessions', {'Cookie': cookie}), 423, 'locked',
                           'GET /api/sessions while locked')
        rh = self.repeated_headers
        check(not rh, 'every answer above sends each security header once',
              f"{len(rh)} answers repeat them, e.g. {' | '.join(rh[:3])}" if rh else '')

    def csrf_refusals(self, cookie, csrf):
        wrong = ('1' if csrf[0] == '0' else '0') + csrf[1:]
        session_body = js_json(self.sessions[0])
        for m, p, body in [('POST', '/api/lock', '{}'), ('POST', '/api/sessions', session_body),
                           ('POST', '/api/unlock', js_json({'passphrase': self.passphrase})),
                           ('PUT', '/api/draft', '{"draft":{"title":"x"}}'), ('DELETE', '/api/draft', None)]:
            self.check_refused(self.req(m, p, {'Cookie': cookie}, body), 403, 'csrf',
                               f'{m} {p} without X-Palabre-CSRF')
            self.check_refused(self.req(m, p, {'Cookie': cookie, 'X-Palabre-CSRF': wrong}, body), 403, 'csrf',
                               f'{m} {p} with a wrong X-Palabre-CSRF')
        check_eq(get_json(self.req('GET', '/api/state', {'Cookie': cookie}), 'locked'), True,
                 'the refused unlock left the vault locked')

    def host_refusals(self, cookie, csrf):
        port = self.port
        for host in [f'evil.example:{port}', f'localhost:{port}', '127.0.0.1', f'127.0.0.1:{port + 1}',
                     f'[::1]:{port}']:
            self.check_refused(self.req('GET', '/api/state', {'Cookie': cookie, 'Host': host}), 403, 'bad_host',
                               f'GET /api/state with Host {host}')
        self.check_refused(self.req('POST', '/api/lock', {'Cookie': cookie, 'X-Palabre-CSRF': csrf,
                                                          'Host': f'evil.example:{port}'}, '{}'),
                           403, 'bad_host', 'POST /api/lock with the right CSRF but Host evil.example')
        self.check_refused(self.req('GET', f'/?token={self.server.token}', {'Host': f'evil.example:{port}'}),
                           403, 'bad_host', 'the token link with Host evil.example')

    def cookie_and_token_refusals(self, cookie, csrf):
        unauth = 'unauthenticated'
        self.check_refused(self.req('GET', '/api/sessions'), 401, unauth, 'GET /api/sessions without the cookie')
        self.check_refused(self.req('GET', '/api/state'), 401, unauth, 'GET /api/state without the cookie')
        self.check_refused(self.req('GET', '/'), 401, unauth, 'GET / without the cookie')
        self.check_refused(self.req('GET', '/api/sessions', {'Cookie': f"palabre_ui={'0' * 64}"}), 401, unauth,
                           'GET /api/sessions with a made-up cookie')
        self.check_refused(self.req('POST', '/api/unlock', {'X-Palabre-CSRF': csrf},
                                    js_json({'passphrase': self.passphrase})),
                           401, unauth, 'POST /api/unlock with the CSRF value but no cookie')
        self.check_refused(self.req('GET', f'/?token={self.server.token}'), 403, 'bad_token',
                           'the used token link again')
        self.check_refused(self.req('GET', f"/?token={'ab' * 32}"), 403, 'bad_token', 'a made-up token')

    def lock_behind_its_back(self):
        b, T, page, tid = self.b, self.T, self.page, self.tid
        phase("a lock behind the page's back")
        unlock(b, self.passphrase)
        tid('session-item').first().wait_for()
        # At once: the page itself locks 4.5 s after its last call.
        locked = self.req('POST', '/api/lock', {'Cookie': self.cookie, 'X-Palabre-CSRF': self.csrf}, '{}')
        check_eq(tid('session-item').count(), self.n_sessions,
                 f'unlocked in the browser: {self.n_sessions} sessions (the refused POSTs added none)')
        b.shot('sessions-then-locked-from-python')
        check(locked.status == 200 and get_json(locked, 'locked') is True,
              'POST /api/lock from python with the right CSRF: locked', f'{locked.status} {locked.text}')
        self.check_headers(locked, 'POST /api/lock')
        b.expect('GET', r'^/api/commitments$', 423)
        tid('nav-commitments').click()
        check_wait('the next call answers 423 and the page shows the unlock screen',
                   lambda: tid('passphrase').wait_for('visible'))
        check_eq(tid('unlock-reason').text_content(), T['unlock.reason_locked'], '423: the reason from the table')
        check_eq(page.locator('[data-testid=commitment-card], [data-testid=session-item]').count(), 0,
                 '423: the page dropped the records')
        b.shot('locked-behind-its-back')

    def idle_lock_seen_by_the_page(self):
        b, T, page, tid, cookie = self.b, self.T, self.page, self.tid, self.cookie
        phase('idle lock seen by the page')
        unlock(b, self.passphrase)
        tid('board').wait_for()
        page.locator('[data-testid=commitment-card]').first().wait_for()
        unlocked_at = now_ms()

        def lock_requests():
            return [r for r in page.recorded_requests()
                    if r['method'] == 'POST' and r['url'].endswith('/api/lock')]
        lock_requests_before = len(lock_requests())
        server_locked_at = page_locked_at = 0
        deadline = time.monotonic() + 4 + 20
        # Deliberately watched as time passes: the idle lock is the point.
        while time.monotonic() < deadline and not (server_locked_at and page_locked_at):
            if not server_locked_at and get_json(self.req('GET', '/api/state', {'Cookie': cookie}), 'locked') is True:
                server_locked_at = now_ms()
            if not page_locked_at and visible_screen(b) == 'screen-unlock':
                page_locked_at = now_ms()
            time.sleep(0.1)
        page_after = int(page_locked_at - unlocked_at)
        server_after = int(server_locked_at - unlocked_at)
        check(page_locked_at > 0, 'the page went back to its unlock screen by itself',
              f'{page_after} ms after the board loaded' if page_locked_at else 'not within 24 s')
        check(server_locked_at > 0, 'GET /api/state says locked',
              f'{server_after} ms after the board loaded' if server_locked_at else 'not within 24 s')
        check(page_after >= 3500, 'not before the idle limit (4 s)', f'{page_after} ms')
        page_lock = lock_requests()[lock_requests_before:]
        sent = f"{int(page_lock[0]['at'] - unlocked_at)} ms after" if page_lock else 'not at all'
        info(f'server locked {server_after} ms, page {page_after} ms after the board loaded; '
             f'the page sent POST /api/lock {sent}')
        check_eq(tid('unlock-reason').text_content(), fill(T['unlock.reason_idle.one'], {'n': 1}, b.number(self.L)),
                 'idle: the reason from the table')
        check_eq(page.locator('[data-testid=commitment-card]').count(), 0, 'idle: the page dropped the board')
        self.check_refused(self.req('GET', '/api/sessions', {'Cookie': cookie}), 423, 'locked',
                           'GET /api/sessions after the idle lock')
        self.check_refused(self.req('GET', '/api/commitments', {'Cookie': cookie}), 423, 'locked',
                           'GET /api/commitments after the idle lock')
        b.shot('idle-locked')

    def idle_lock_by_the_server(self):
        """Unlocked from python, the page on its unlock screen sends nothing:
        only the server's own clock can lock it. GET /api/state is no use of
        the vault."""
        page, cookie, csrf = self.page, self.cookie, self.csrf
        phase('idle lock by the server alone')
        browser_requests_before = len(page.recorded_requests())
        un = self.req('POST', '/api/unlock', {'Cookie': cookie, 'X-Palabre-CSRF': csrf},
                      js_json({'passphrase': self.passphrase}))
        check(un.status == 200 and get_json(un, 'locked') is False, 'POST /api/unlock from python: unlocked',
              f'{un.status} {un.text}')
        t0 = time.monotonic()
        lst = self.req('GET', '/api/sessions?limit=1', {'Cookie': cookie})
        check(lst.status == 200 and get_json(lst, 'total') == self.n_sessions, 'a use of the vault right after: 200',
              f'{lst.status}')
        t1 = time.monotonic()
        locked_after = 0
        while time.monotonic() - t1 < 4 + 20:
            if get_json(self.req('GET', '/api/state', {'Cookie': cookie}), 'locked') is True:
                locked_after = int((time.monotonic() - t1) * 1000)
                break
            time.sleep(0.1)
        check(3700 <= locked_after <= 4000 + 3000, 'the server locked by itself about 4 s after the last use',
              f'{locked_after} ms (unlock to use: {int((t1 - t0) * 1000)} ms)' if locked_after else 'not within 24 s')
        self.check_refused(self.req('GET', '/api/sessions', {'Cookie': cookie}), 423, 'locked',
                           "GET /api/sessions after the server's idle lock")
        check_eq(len(page.recorded_requests()), browser_requests_before,
                 'meanwhile the page on its unlock screen made no request')

    def browser_enforces_csp(self):
        """In a browser of its own, so that its deliberate foreign image is
        not counted with the app's requests. Without a cookie: the 401 answer
        is enough, it carries the CSP like every other."""
        phase('the browser enforces the CSP')
        probe = self.b.launch_probe()
        try:
            probe.add_init_script("""
              window.__violations = [];
              document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
            """)
            probe.goto(f'{self.server.origin}/app.css')
            probed = probe.evaluate_async("""async () => {
              const s = document.createElement('script');
              s.textContent = 'window.__inline = 1;';
              document.head.append(s);
              const img = new Image();
              img.src = 'http://example.invalid/x.png';
              document.body.append(img);
              await new Promise((r) => setTimeout(r, 300));
              return { inline: window.__inline === 1, violations: window.__violations.slice() };
            }""")
        finally:
            probe.close()
        check(not probed['inline'] and 'script-src-elem' in probed['violations'],
              'an inline script is blocked, and the violation listener hears it', js_json(probed))
        check('img-src' in probed['violations'], 'an image from another host is blocked',
              js_json(probed['violations']))

    def cookie_gone(self):
        b, T, page, tid = self.b, self.T, self.page, self.tid
        phase('a page whose cookie is gone')
        page.clear_cookies()
        b.expect('POST', r'^/api/unlock$', 401)
        tid('passphrase').fill(self.passphrase)
        tid('unlock-button').click()
        check_wait('401: the page shows its "ended" screen', lambda: tid('screen-ended').wait_for('visible'))
        check_eq(page.locator('#ended-title').text_content(), T['ended.title'], '401: the ended title from the table')
        check_strings(b, T, 'ended screen')
        b.shot('ended')
        check_eq(len([r for r in page.recorded_requests() if self.passphrase in r['url']]), 0,
                 'the passphrase is in no request address')

# ------------------------------------------------------------------ main


def clean_env(tmp):
    env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=os.path.join(tmp, 'data'),
               XDG_CONFIG_HOME=os.path.join(tmp, 'config'), XDG_CACHE_HOME=os.path.join(tmp, 'cache'),
               XDG_STATE_HOME=os.path.join(tmp, 'state'))
    env.pop('PALABRE_VAULT', None)
    return env


def run_case(opts, env, vault, passphrase, shot_dir, state):
    """Everything from the vault to the end checks; the server and browser
    are put in `state` so that main can stop them whatever happens."""
    phase('vault')
    examples = example_sessions(opts.examples)
    if not examples[0]:
        raise RuntimeError(f'no *.json in {opts.examples}')
    cli_out = make_vault(opts, env, vault, passphrase, examples[0])
    check(passphrase not in cli_out, 'palabre never prints the passphrase')

    phase('server')
    server = state['server'] = UiServer(opts, env, vault, 300 if opts.case == 'flow' else 4)
    server.start()
    check(re.fullmatch(r'[0-9a-f]{64}', server.token), 'palabre ui prints its link with a 32-byte token',
          re.sub(r'token=.*', 'token=…', server.url))
    info(f'listening on {server.origin}')

    b = state['browser'] = Browser(server, opts.lang, shot_dir)
    b.open()
    case = Flow if opts.case == 'flow' else Refusals
    case(opts, server, b, passphrase, examples).run()

    phase('end')
    b.final_checks()
    b.close()
    exit_ = server.stop()
    check(exit_ and exit_['code'] == 0, 'palabre ui stops on SIGTERM with exit code 0', js_json(exit_))
    check(re.search(r'palabre ui: stopped, vault locked', server.stdout), 'and says the vault was locked',
          ' '.join(server.stdout.split('\n')[-2:]))
    check(passphrase not in server.stdout + server.stderr, 'palabre ui never prints the passphrase')


def main(argv):
    opts = parse_args(argv)
    shot_dir = os.path.join(opts.out, opts.lang if opts.case == 'flow' else f'refusals-{opts.lang}')
    os.makedirs(shot_dir, exist_ok=True)
    for f in os.listdir(shot_dir):
        if f.endswith('.png'):
            os.remove(os.path.join(shot_dir, f))
    print(f'palabre ui browser test: case {opts.case}, {opts.lang}; screenshots in {shot_dir}')

    tmp = tempfile.mkdtemp(prefix='palabre-ui-browser-')
    env = clean_env(tmp)
    passphrase = f'correct horse {secrets.token_hex(9)}'
    state = {'server': None, 'browser': None}
    broke = None
    try:
        run_case(opts, env, os.path.join(tmp, 'vault'), passphrase, shot_dir, state)
    except Exception:  # pylint: disable=broad-except
        broke = traceback.format_exc()
    finally:
        phase('')
        if state['browser']:
            state['browser'].close()
        if state['server'] and not state['server'].exit:
            state['server'].stop()
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [r for r in results if not r['ok']]
    print('\ntimings:')
    for name, seconds in phases:
        print(f'  {name:<44} {seconds:.1f} s')
    print(f"  {'total':<44} {time.monotonic() - started_at:.1f} s")
    if broke:
        print(f'\nBROKEN after {len(results)} checks ({len(failed)} failed): {broke}')
        if state['server']:
            print(f"palabre ui output:\n{state['server'].stdout}{state['server'].stderr}")
        return 2
    print(f'\n{len(results) - len(failed)}/{len(results)} checks passed (case {opts.case}, {opts.lang}); '
          f'screenshots in {shot_dir}')
    for f in failed:
        print(f"  FAILED: {f['name']}")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.stdout.reconfigure(line_buffering=True)
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit:
        raise
    except BaseException:  # pylint: disable=broad-except
        print(f'BROKEN: {traceback.format_exc()}')
        sys.exit(2)
