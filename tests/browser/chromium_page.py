"""One page of Debian's chromium, headless, driven through Debian's
chromedriver by python3-selenium, for tests/browser/ui_browser_test.py.

Selenium is given the chromedriver and chromium binaries, so its
selenium-manager never runs and nothing is downloaded. Page offers what the
test needs, in Playwright's terms: locators with auto-waiting (20 s), fill,
tap, select_option, keyboard presses, screenshots; and it records what the
browser did: every request and response (with the raw response headers),
console messages and page errors. The records come from chromedriver's
performance log (Network.* events of the DevTools protocol) and its browser
log; they are read by drain(), which the getters call.

Failures raise: TimeoutError when a wait runs out, StrictModeError when a
single-element action matches more than one element, and selenium's own
exceptions when the browser or chromedriver breaks.
"""

import base64
import itertools
import json
import re
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

DEFAULT_TIMEOUT = 20.0
POLL_SECONDS = 0.05

# Input types Playwright fills by setting the value (no typing into them).
SET_VALUE_TYPES = {'color', 'date', 'time', 'datetime-local', 'month',
                   'range', 'week'}

# Finds a locator's elements: steps are ['css', selector] (descendants of
# every element so far) or ['nth', i].
RESOLVE_JS = """
const resolve = (steps) => {
  let els = [document];
  for (const [kind, arg] of steps) {
    if (kind === 'nth') { els = arg < els.length ? [els[arg]] : []; continue; }
    const out = [];
    for (const root of els) {
      for (const el of root.querySelectorAll(arg)) if (!out.includes(el)) out.push(el);
    }
    els = out;
  }
  return els;
};
const visible = (el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
};
"""

# One query on a locator's elements: how many, and whether the first is
# visible and enabled (what actions wait for).
STATE_JS = RESOLVE_JS + """
const els = resolve(arguments[0]);
const el = els[0];
return { n: els.length, visible: !!el && visible(el),
         enabled: !!el && !(el.matches(':disabled')) };
"""

# Where to click or touch a locator's first element: scrolled into view at
# once if it is not wholly in it (the page scrolls smoothly otherwise), or
# to the alignment given (when something covered it where it was), its
# centre once its box stays the same for two animation frames, and whether
# the element (or one inside it) is what a click there would hit. When it
# is, a guard is set, as Playwright does: the first input event of the action
# tells whether it reached the element; if not, it and the rest of the
# action's events are stopped before the page sees them (GUARD_RESULT_JS
# says which, and removes the guard).
TARGET_JS = RESOLVE_JS + """
const done = arguments[arguments.length - 1];
const el = resolve(arguments[0])[0];
const box = () => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const align = arguments[1];
const r = el.getBoundingClientRect();
if (align || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
  el.scrollIntoView({ block: align || 'center', inline: align || 'center', behavior: 'instant' });
}
(async () => {
  await frame();
  const a = box();
  await frame();
  const b = box();
  const x = b[0] + b[2] / 2, y = b[1] + b[3] / 2;
  const hit = document.elementFromPoint(x, y);
  const ok = !!hit && (hit === el || el.contains(hit));
  if (ok && a.join() === b.join()) {
    const guard = { result: null };
    const listener = (e) => {
      if (guard.result === null) {
        const t = e.target;
        guard.result = t === el || (t instanceof Node && el.contains(t)) ? 'ok'
          : `${e.type} reached ${t && t.tagName}#${t && t.id}`;
      }
      if (guard.result !== 'ok') { e.preventDefault(); e.stopImmediatePropagation(); }
    };
    const kinds = ['touchstart', 'touchend', 'pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click'];
    for (const k of kinds) window.addEventListener(k, listener, { capture: true });
    guard.remove = () => { for (const k of kinds) window.removeEventListener(k, listener, { capture: true }); };
    window.__palabreHitGuard = guard;
  }
  done({ x, y, stable: a.join() === b.join(), hit: ok });
})();
"""
GUARD_RESULT_JS = """
const guard = window.__palabreHitGuard;
if (!guard) return 'ok';  // another document now: the action went through
delete window.__palabreHitGuard;
guard.remove();
return guard.result || 'no event reached the page';
"""


class StrictModeError(Exception):
    """A single-element operation matched several elements."""


def _function_call(fn_source, async_call=False):
    """Script that calls the JS function `fn_source` with the arguments."""
    if not async_call:
        return f'return ({fn_source}).apply(null, arguments);'
    return ('const done = arguments[arguments.length - 1];'
            'const args = Array.prototype.slice.call(arguments, 0, -1);'
            f'Promise.resolve().then(() => ({fn_source}).apply(null, args))'
            '.then((v) => done({ value: v }),'
            ' (e) => done({ error: String(e && e.stack ? e.stack : e) }));')


class Page:
    """A chromium with one page; owns the chromedriver process it starts."""

    def __init__(self, driver, timeout=DEFAULT_TIMEOUT):
        self.driver = driver
        self.timeout = timeout
        self.requests = []   # {url, method, at (ms since the epoch)}
        self.responses = []  # {url, method, status, request_id, index}
        self.console = []    # {type: error|warning, text, source}
        self.page_errors = []
        self._method_by_id = {}
        self._responses_by_id = {}
        self._extra_headers_by_id = {}

    @classmethod
    def launch(cls, chromium, chromedriver, args, viewport=None, locale=None,
               timezone=None, has_touch=False, record=True):
        options = Options()
        options.binary_location = chromium
        for arg in ['--headless=new'] + list(args):
            options.add_argument(arg)
        if locale:
            options.add_argument(f'--lang={locale}')
            options.add_experimental_option(
                'prefs', {'intl.accept_languages': locale})
        if record:
            options.set_capability('goog:loggingPrefs',
                                   {'performance': 'ALL', 'browser': 'ALL'})
        service = Service(executable_path=chromedriver)
        page = cls(webdriver.Chrome(service=service, options=options))
        page.driver.set_page_load_timeout(page.timeout)
        page.driver.set_script_timeout(page.timeout)
        if viewport:
            page.cdp('Emulation.setDeviceMetricsOverride', {
                'width': viewport[0], 'height': viewport[1],
                'deviceScaleFactor': 1, 'mobile': False})
        if locale:
            page.cdp('Emulation.setLocaleOverride', {'locale': locale})
        if timezone:
            page.cdp('Emulation.setTimezoneOverride', {'timezoneId': timezone})
        if has_touch:
            page.cdp('Emulation.setTouchEmulationEnabled',
                     {'enabled': True, 'maxTouchPoints': 1})
        return page

    def close(self):
        if self.driver:
            try:
                self.driver.quit()
            finally:
                self.driver = None

    def cdp(self, method, params=None):
        return self.driver.execute_cdp_cmd(method, params or {})

    def add_init_script(self, source):
        self.cdp('Page.addScriptToEvaluateOnNewDocument', {'source': source})

    # ------------------------------------------------------------ what it did

    def drain(self):
        """Reads the logs chromedriver gathered since the last call."""
        if not self.driver:
            return
        for entry in self.driver.get_log('performance'):
            message = json.loads(entry['message'])['message']
            self._on_network_event(message['method'], message.get('params', {}))
        for entry in self.driver.get_log('browser'):
            self._on_log_entry(entry)

    def _on_network_event(self, method, p):
        rid = p.get('requestId')
        if method == 'Network.requestWillBeSent':
            if 'redirectResponse' in p:
                self._add_response(rid, p['redirectResponse'],
                                   self._method_by_id.get(rid, ''))
            request = p['request']
            self._method_by_id[rid] = request['method']
            if not _is_internal(request['url']):
                self.requests.append({'url': request['url'],
                                      'method': request['method'],
                                      'at': p.get('wallTime', time.time()) * 1000})
        elif method == 'Network.responseReceived':
            self._add_response(rid, p['response'], self._method_by_id.get(rid, ''))
        elif method == 'Network.responseReceivedExtraInfo':
            self._extra_headers_by_id.setdefault(rid, []).append(p.get('headers', {}))

    def _add_response(self, rid, response, method):
        if _is_internal(response['url']):
            return
        same_id = self._responses_by_id.setdefault(rid, [])
        entry = {'url': response['url'], 'method': method,
                 'status': response['status'], 'request_id': rid,
                 'index': len(same_id), 'fallback': response.get('headers', {})}
        same_id.append(entry)
        self.responses.append(entry)

    def response_headers(self, entry):
        """[(name, value), ...] as the server sent them (a header sent twice
        is there twice): the raw headers of responseReceivedExtraInfo."""
        extra = self._extra_headers_by_id.get(entry['request_id'], [])
        headers = extra[entry['index']] if entry['index'] < len(extra) else entry['fallback']
        return [(name, value) for name, values in headers.items()
                for value in str(values).split('\n')]

    def _on_log_entry(self, entry):
        level = entry.get('level')
        source = entry.get('source', '')
        text = _log_text(entry.get('message', ''), source)
        if source == 'javascript' and level == 'SEVERE':
            self.page_errors.append(text)
        elif level in ('SEVERE', 'WARNING'):
            self.console.append({'type': 'error' if level == 'SEVERE' else 'warning',
                                 'text': text, 'source': source})

    def recorded_requests(self):
        self.drain()
        return self.requests

    # ------------------------------------------------------------ navigation

    def goto(self, url):
        self.driver.get(url)

    def reload(self):
        self.driver.refresh()

    def go_back(self):
        self.driver.back()

    def title(self):
        return self.driver.title

    def url(self):
        return self.driver.current_url

    def cookies(self):
        return self.driver.get_cookies()

    def clear_cookies(self):
        self.cdp('Network.clearBrowserCookies')

    # ------------------------------------------------------------ scripts

    def evaluate(self, fn_source, *args):
        """Calls a JS function in the page with JSON-able arguments."""
        return self.driver.execute_script(_function_call(fn_source), *args)

    def evaluate_async(self, fn_source, *args):
        """The same, awaiting the promise the function returns."""
        r = self.driver.execute_async_script(_function_call(fn_source, True), *args)
        if 'error' in r:
            raise RuntimeError(f'in the page: {r["error"]}')
        return r.get('value')

    def wait_for_function(self, fn_source, *args, timeout=None):
        """Polls until the JS function returns a truthy value."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        while True:
            value = self.evaluate(fn_source, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f'Timeout {int(limit * 1000)}ms exceeded '
                                   'waiting for function')
            time.sleep(POLL_SECONDS)

    def locator(self, css):
        return Locator(self, [['css', css]])

    # ------------------------------------------------------------ input

    def press(self, key):
        """A key press in the focused element: Enter or Delete."""
        codes = {'Enter': (13, '\r'), 'Delete': (46, '')}
        code, text = codes[key]
        down = {'type': 'keyDown' if text else 'rawKeyDown', 'key': key,
                'code': key, 'windowsVirtualKeyCode': code}
        if text:
            down.update(text=text, unmodifiedText=text)
        self.cdp('Input.dispatchKeyEvent', down)
        self.cdp('Input.dispatchKeyEvent', {'type': 'keyUp', 'key': key, 'code': key,
                                            'windowsVirtualKeyCode': code})

    def insert_text(self, text):
        self.cdp('Input.insertText', {'text': text})

    def touch(self, x, y):
        self.cdp('Input.dispatchTouchEvent', {'type': 'touchStart',
                                              'touchPoints': [{'x': x, 'y': y}]})
        self.cdp('Input.dispatchTouchEvent', {'type': 'touchEnd', 'touchPoints': []})

    def screenshot(self, path, full_page=False):
        params = {'format': 'png'}
        if full_page:
            size = self.cdp('Page.getLayoutMetrics')['cssContentSize']
            params.update(captureBeyondViewport=True, clip={
                'x': 0, 'y': 0, 'width': size['width'], 'height': size['height'],
                'scale': 1})
        data = self.cdp('Page.captureScreenshot', params)['data']
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))


class Locator:
    """Elements found by CSS steps, resolved anew at every use."""

    def __init__(self, page, steps):
        self.page = page
        self.steps = steps

    def __str__(self):
        return ' >> '.join(f'{k}={v}' for k, v in self.steps)

    def locator(self, css):
        return Locator(self.page, self.steps + [['css', css]])

    def nth(self, i):
        return Locator(self.page, self.steps + [['nth', i]])

    def first(self):
        return self.nth(0)

    def _run(self, body, *args):
        return self.page.driver.execute_script(
            RESOLVE_JS + 'const els = resolve(arguments[0]);' + body,
            self.steps, *args)

    def _state(self):
        return self.page.driver.execute_script(STATE_JS, self.steps)

    def _wait(self, what, ok):
        deadline = time.monotonic() + self.page.timeout
        while True:
            state = self._state()
            if state['n'] > 1:
                raise StrictModeError(f'strict mode violation: {self} resolved '
                                      f'to {state["n"]} elements')
            if ok(state):
                return state
            if time.monotonic() > deadline:
                raise TimeoutError(f'Timeout {int(self.page.timeout * 1000)}ms '
                                   f'exceeded waiting for {self} to be {what}')
            time.sleep(POLL_SECONDS)

    def _attached(self):
        self._wait('attached', lambda s: s['n'] >= 1)

    def _actionable(self):
        self._wait('visible and enabled', lambda s: s['visible'] and s['enabled'])

    # ------------------------------------------------------------ reading

    def count(self):
        return self._run('return els.length;')

    def all_text_contents(self):
        return self._run('return els.map((e) => e.textContent);')

    def wait_for(self, state='visible'):
        if state == 'visible':
            self._wait('visible', lambda s: s['visible'])
        else:
            raise ValueError(f'wait_for: state {state} is not supported')

    def text_content(self):
        self._attached()
        return self._run('return els[0].textContent;')

    def input_value(self):
        self._attached()
        return self._run('return els[0].value;')

    def get_attribute(self, name):
        self._attached()
        return self._run('return els[0].getAttribute(arguments[1]);', name)

    def is_visible(self):
        state = self._state()
        if state['n'] > 1:
            raise StrictModeError(f'strict mode violation: {self} resolved to '
                                  f'{state["n"]} elements')
        return state['visible']

    def is_disabled(self):
        self._attached()
        return not self._state()['enabled']

    # ------------------------------------------------------------ acting

    def click(self):
        """A mouse click at the element's centre (left button, pressed and
        released), retried while it would reach another element."""
        def mouse(x, y):
            for kind in ('mouseMoved', 'mousePressed', 'mouseReleased'):
                self.page.cdp('Input.dispatchMouseEvent', {
                    'type': kind, 'x': x, 'y': y, 'button': 'left',
                    'buttons': 1 if kind == 'mousePressed' else 0,
                    'clickCount': 0 if kind == 'mouseMoved' else 1})
        self._act('click', mouse)

    def tap(self):
        """A touch at the element's centre (touchstart, touchend), retried
        the same way."""
        self._act('tap', self.page.touch)

    def _act(self, what, dispatch):
        """Playwright's way: wait until the element is visible, enabled,
        stable and the one at its centre (scrolling it into view, then to
        each alignment in turn), dispatch the input there, and start again
        if the guard says the input reached another element."""
        deadline = time.monotonic() + self.page.timeout
        alignments = [None, 'end', 'center', 'start']
        why = ''
        for attempt in itertools.count():
            self._actionable()
            align = alignments[attempt % len(alignments)]
            point = self.page.driver.execute_async_script(TARGET_JS, self.steps, align)
            if point['stable'] and point['hit']:
                dispatch(point['x'], point['y'])
                why = self.page.driver.execute_script(GUARD_RESULT_JS)
                if why == 'ok':
                    return
            else:
                why = 'not stable' if point['hit'] else 'another element is at its centre'
            if time.monotonic() > deadline:
                raise TimeoutError(f'{self}: could not {what} it in {self.page.timeout:.0f} s ({why})')
            time.sleep(POLL_SECONDS)

    def fill(self, value):
        """As Playwright fills: date and time fields get their value set;
        text fields are selected, then typed over (Delete when emptied)."""
        self._actionable()
        kind = self._run("""
          const el = els[0];
          const type = (el.getAttribute('type') || '').toLowerCase();
          el.focus();
          if (arguments[1].includes(type) && el.tagName === 'INPUT') {
            el.value = arguments[2];
            if (el.value !== arguments[2]) return 'malformed';
            el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
            return 'set';
          }
          if (el.select) el.select();
          return 'type';""", sorted(SET_VALUE_TYPES), value)
        if kind == 'malformed':
            raise ValueError(f'{self}: malformed value {value!r}')
        if kind == 'type':
            if value:
                self.page.insert_text(value)
            else:
                self.page.press('Delete')

    def select_option(self, value):
        """Selects the option with that value; input and change events."""
        self._actionable()
        deadline = time.monotonic() + self.page.timeout
        while not self._run("""
            const sel = els[0];
            const opt = Array.from(sel.options).find((o) => o.value === arguments[1]);
            if (!opt) return false;
            sel.value = undefined;
            for (const o of sel.options) o.selected = o === opt;
            sel.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
            sel.dispatchEvent(new Event('change', { bubbles: true }));
            return true;""", value):
            if time.monotonic() > deadline:
                raise TimeoutError(f'{self}: no option {value!r}')
            time.sleep(POLL_SECONDS)


def _is_internal(url):
    return url.startswith('data:') or url.startswith('about:')


def _log_text(message, source):
    """The text of a chromedriver browser-log entry, without the place
    chromedriver puts before it: "URL - text", or "URL LINE[:COL] text"
    (console calls: strings JSON-quoted)."""
    m = re.match(r'\S+ - (.*)$', message, re.S)
    if m:
        return m.group(1)
    m = re.match(r'\S+ \d+(?::\d+)? (.*)$', message, re.S)
    if not m:
        return message
    rest = m.group(1)
    if source == 'console-api' and rest.startswith('"'):
        try:
            first, end = json.JSONDecoder().raw_decode(rest)
        except ValueError:
            return rest
        if isinstance(first, str):
            return first + rest[end:]
    return rest
