"""The refusals case of the browser tests (tests/browser/ui_browser_test.py):
what the server refuses to requests from outside the browser (holding its
cookie, or not), the locks the page sees (behind its back, idle), the
browser enforcing the CSP, and a page whose cookie is gone.
"""

import re
import time

from check_report import check, check_eq, check_wait, fill, info, js_json, now_ms, phase
from palabre_process import get_json, request
from ui_page import check_strings, header_problems, load_table, unlock, unlock_screen_checks, \
    visible_screen, wrong_passphrase


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
        check_eq(tid('unlock-reason').text_content(), fill(T['unlock.reason_idle_seconds.other'], {'n': 4}, b.number(self.L)),
                 'idle: the reason from the table (4 seconds, not rounded to a minute)')
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
