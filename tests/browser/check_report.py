"""The browser tests' report (tests/browser/ui_browser_test.py): checks
printed one a line as they are made ("ok  " or "FAIL", the name, a detail),
phases with their durations, and the small helpers the checks share (JSON
and === as JavaScript has them, the string tables' {placeholders}).

A check never raises: check() records and prints it and returns whether it
passed; check_wait() turns a wait that times out into a failed check.
"""

import datetime
import json
import re
import time


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
