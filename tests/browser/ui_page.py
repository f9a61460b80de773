"""The app's page in chromium for the browser tests
(tests/browser/ui_browser_test.py): Browser opens it at 360x740 with touch,
the locale of the language tested and a fixed time zone, and makes the
checks every case ends with (every request to the loopback origin, the
security headers of every answer, no CSP violation, page error, or console
error but the deliberate refusals'). Also the checks and steps both cases
share: the string tables, the unlock screen, a wrong passphrase, the
audit of labels and target sizes.
"""

import json
import os
import re
import urllib.parse

from check_report import check, check_eq, check_wait, fill
from chromium_page import Page


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


def load_table(opts, lang):
    with open(os.path.join(opts.i18n, f'{lang}.json'), encoding='utf-8') as f:
        return json.load(f)


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
        const what = el.id ? `#${el.id}` : `"${el.textContent.trim().slice(0, 24)}" in ${el.parentElement.tagName}.${el.parentElement.className.replace(/ /g, '.')}`;
        if (x.height < 43.5 || (x.width < 43.5 && el.tagName !== 'INPUT')) out.small.push(`${el.tagName}${what} ${Math.round(x.width)}x${Math.round(x.height)}`);
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
