"""The views case of the browser tests (tests/browser/ui_browser_test.py): a
coordinator reads the Report (#/report) and the Handover brief (#/brief)
with the server's charts (inline SVG, in the SVG namespace, titled and
labelled from the string table), filters the report by a country (a bad
one refused by the page and by the server), asks the brief of the country
with the most sessions and of one with none, then syncs (#/sync) with the
organisation's partner server (`palabre serve` on loopback): never synced,
Sync now sends every entry of the vault; the partner server stopped, a sync
fails as unavailable and the page says so, also after a reload. Every text
is checked against the string table, numbers and dates through the
browser's Intl, the figures against the example sessions the vault holds.
"""

import collections
import datetime
import re
import time

from check_report import check, check_eq, check_wait, fill, info, js_json, phase
from ui_page import audit, check_strings, load_table, unlock

SVG_NS = 'http://www.w3.org/2000/svg'
DIMENSIONS = (('sex', 'by_sex'), ('age', 'by_age'), ('group', 'by_group'))
OPEN = ('open', 'in_progress')

# A chart <figure>: its <svg> as the page holds it.
CHART_JS = """(sel) => {
  const fig = document.querySelector(sel);
  if (!fig) return null;
  const svg = fig.querySelector('svg');
  const title = svg && svg.querySelector(':scope > title');
  const by = svg ? (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean) : [];
  return { tag: fig.tagName, svg: !!svg, ns: svg ? svg.namespaceURI : null,
           title: title ? title.textContent : null, labelledBy: by.length,
           resolved: by.filter((id) => document.getElementById(id)).length,
           bars: svg ? Array.from(svg.querySelectorAll('g')).filter((g) => g.querySelector(':scope > title'))
             .map((g) => [g.querySelector(':scope > title').textContent,
                          g.querySelector('text') ? g.querySelector('text').textContent : '']) : [] };
}"""

# A table's body rows (cells' text), and its total row.
TABLE_JS = """(sel) => {
  const t = document.querySelector(sel);
  if (!t) return null;
  const cells = (r) => Array.from(r.cells).map((c) => c.textContent);
  return { rows: Array.from(t.tBodies[0] ? t.tBodies[0].rows : []).map(cells),
           total: t.tFoot && t.tFoot.rows.length ? cells(t.tFoot.rows[0]) : null };
}"""


def participants(s):
    """A session's total, as core counts it: by sex, else age, else group."""
    p = s.get('participants') or {}
    for _, dim in DIMENSIONS:
        if p.get(dim):
            return sum(p[dim].values())
    return 0


class Figures:
    """What the report and brief must show for some example sessions."""

    def __init__(self, sessions):
        self.sessions = sessions
        self.n = len(sessions)
        self.participants = sum(participants(s) for s in sessions)
        self.dims = {}
        for prefix, dim in DIMENSIONS:
            total, held = collections.Counter(), collections.Counter()
            for s in sessions:
                for k, v in ((s.get('participants') or {}).get(dim) or {}).items():
                    total[k] += v
                    held[k] += 1 if v > 0 else 0
            self.dims[prefix] = {k: (total[k], held[k]) for k in total if total[k] > 0}
        concerns, held = collections.Counter(), collections.Counter()
        for s in sessions:
            cats = [c['category'] for c in s.get('concerns') or []]
            concerns.update(cats)
            held.update(set(cats))
        self.concerns = {c: (concerns[c], held[c]) for c in concerns}
        self.commitments = [c for s in sessions for c in s.get('commitments') or []
                            if c.get('status', 'open') in OPEN]
        self.dates = sorted(s['started_at'][:10] for s in sessions)
        self.months = sorted({d[:7] for d in self.dates})


class Views:
    """The views case, one method per phase."""

    def __init__(self, opts, server, b, passphrase, examples, partner):
        self.opts, self.server, self.b, self.passphrase, self.partner = opts, server, b, passphrase, partner
        self.T = load_table(opts, opts.lang)
        self.L = self.T['locale']
        self.page, self.tid = b.page, b.tid
        sessions = examples[1]
        by_country = collections.Counter(s['place']['country'].upper() for s in sessions)
        self.all = Figures(sessions)
        self.top = by_country.most_common(1)[0][0]  # the country with the most sessions
        self.here = Figures([s for s in sessions if s['place']['country'].upper() == self.top])
        self.newest = max(sessions, key=lambda s: datetime.datetime.fromisoformat(s['started_at']))
        info(f'{self.all.n} example sessions; by country {js_json(dict(by_country))}; '
             f'the brief is of {self.top}')

    # ------------------------------------------------------------ helpers

    def num(self, n):
        return self.b.number(self.L)(n)

    def fill_l(self, template, values):
        return fill(template, values, self.b.number(self.L))

    def tn(self, base, n, values=None):
        """A plural string as the page picks it (the browser's PluralRules)."""
        rule = self.page.evaluate('(loc, n) => new Intl.PluralRules(loc).select(n)', self.L, n)
        key = f'{base}.{rule}' if f'{base}.{rule}' in self.T else f'{base}.other'
        return self.fill_l(self.T[key], dict({'n': n}, **(values or {})))

    def country(self, code):
        return self.page.evaluate(
            "(loc, c) => new Intl.DisplayNames([loc], { type: 'region' }).of(c)", self.L, code)

    def long_date(self, ymd):
        return self.b.intl_date(self.L, f'{ymd}T00:00:00Z', {'dateStyle': 'long', 'timeZone': 'UTC'})

    def text(self, sel):
        return self.page.locator(sel).text_content()

    def check_chart(self, screen, chart, title_key, labels):
        sel = f'#screen-{screen} [data-testid=chart-{chart}]'
        c = self.page.evaluate(CHART_JS, sel)
        where = f'{screen}: chart {chart}'
        if not check(c and c['tag'] == 'FIGURE' and c['svg'] and c['ns'] == SVG_NS,
                     f'{where} is an inline <svg> in the SVG namespace, in a <figure>', js_json(c)):
            return
        check_eq(c['title'], self.T[title_key], f"{where}: its <title> is the table's {title_key}")
        check(c['labelledBy'] > 0 and c['resolved'] == c['labelledBy'],
              f'{where}: each id of its aria-labelledby is found in the page', js_json(c)[:200])
        # Each bar: a <title> "name: count" and its label, the name or (a
        # long one) its start and an ellipsis.
        names = {re.sub(r'[\s\u00a0\u202f]*:[^:]*$', '', t): label for t, label in c['bars']}
        missing = [x for x in labels if x not in names]
        cut = [f'{n} / {v}' for n, v in names.items()
               if v != n and not (v.endswith('…') and len(v) > 1 and n.startswith(v[:-1]))]
        check(labels and not missing and not cut,
              f"{where}: its {len(labels)} bars named from the table (a long name cut with …, whole in the bar's title)",
              f"missing {js_json(missing)}, labels not the names {js_json(cut)} among {js_json(c['bars'])[:300]}")

    def check_rows(self, sel, want, name):
        """Each wanted row (cells' text) is one of the table's rows."""
        t = self.page.evaluate(TABLE_JS, sel)
        rows = t['rows'] if t else []
        missing = [r for r in want if r not in rows]
        check(t and want and not missing, f'{name}: {len(want)} rows as the example sessions say',
              f'missing {js_json(missing[:3])} in {js_json(rows[:6])}' if t else 'no table')
        return t

    def check_stat(self, testid, n, key, name):
        check_eq([self.text(f'[data-testid={testid}] .stat-number'), self.text(f'[data-testid={testid}] .stat-label')],
                 [self.num(n), self.tn(key, n)], name)

    def wait_idle(self, body):
        self.page.wait_for_function(f"() => !document.getElementById('{body}').hasAttribute('aria-busy')")

    def run(self):
        for step in (self.unlock, self.report, self.report_filters, self.brief, self.brief_empty,
                     self.sync_ok, self.sync_unavailable):
            step()

    # ------------------------------------------------------------ phases

    def unlock(self):
        phase('unlock')
        self.page.goto(self.server.url)
        self.tid('passphrase').wait_for()
        unlock(self.b, self.passphrase)
        self.page.locator('#screen-sessions').wait_for()
        self.today = self.b.fetch_json('GET', '/api/state')['json']['today']

    def report(self):
        T, tid, f = self.T, self.tid, self.all
        phase('report')
        tid('nav-report').click()
        tid('screen-report').wait_for()
        check_wait('report: the figures come', lambda: self.page.wait_for_function(
            "() => document.querySelector('#report-body [data-testid=report-sessions]')"))
        self.wait_idle('report-body')
        check_eq(self.page.title(), fill(T['screen.title'], {'screen': T['screen.report']}), 'report: document title')
        check_eq(tid('nav-report').get_attribute('aria-current'), 'page', 'report: the nav marks Report')
        self.check_stat('report-sessions', f.n, 'report.stat_sessions', f'report, no filter: all {f.n} sessions')
        self.check_stat('report-participants', f.participants, 'report.stat_participants',
                        f'report: {f.participants} participants (by sex, summed)')
        check_eq(tid('report-scope').text_content(), fill(T['report.scope'], {
            'place': T['report.all_places'], 'period': T['report.all_dates']}), 'report: the scope says everything')
        for prefix, _ in DIMENSIONS:
            self.check_chart('report', f'participation-{prefix}', f'chart.by_{prefix}',
                             [T.get(f'{prefix}.{k}', k) for k in f.dims[prefix]])
            self.check_rows(f'#screen-report [data-testid=table-participation-{prefix}]',
                            [[T.get(f'{prefix}.{k}', k), self.num(v), self.num(h)] for k, (v, h) in f.dims[prefix].items()],
                            f'report: table by {prefix}')
        self.check_chart('report', 'concerns', 'chart.concerns', [T[f'category.{c}'] for c in f.concerns])
        self.check_rows('#screen-report [data-testid=table-concerns-category]',
                        [[T[f'category.{c}'], self.num(n), self.num(h)] for c, (n, h) in f.concerns.items()],
                        'report: table of concerns by category')
        self.check_follow_through('report', f)
        check_strings(self.b, T, 'report')
        audit(self.b, 'report')
        self.b.shot('report')
        self.b.shot('report-full', True)

    def check_follow_through(self, screen, f):
        T = self.T
        owners = sorted({c['owner'] for c in f.commitments})
        t = self.page.evaluate(TABLE_JS, f'#screen-{screen} [data-testid=table-follow-through]')
        check(t and sorted(r[0] for r in t['rows']) == owners and t['total'][0] == T['figures.total']
              and t['total'][1] == self.num(len(f.commitments)),
              f'{screen}: the follow-through table, a row per institution, the total of '
              f'{len(f.commitments)} made', js_json(t)[:300])
        terms = self.page.locator(f'#screen-{screen} [data-testid=definitions] dt').all_text_contents()
        check_eq(terms, [fill(T['figures.def_term'], {'term': T[k]}) for k in
                         ('figures.col_kept', 'figures.col_overdue', 'figures.col_due', 'figures.col_rate')],
                 f"{screen}: the definitions, from the table")

    def report_filters(self):
        T, tid, page = self.T, self.tid, self.page
        n, top = self.here.n, self.top
        phase('report filters')
        if not tid('report-country').is_visible():
            tid('report-filters-toggle').click()
        check_eq(tid('report-filters-toggle').get_attribute('aria-expanded'), 'true', 'report: the filters open')
        tid('report-country').fill(top.lower())
        tid('report-apply').click()
        check_wait(f'report filtered by "{top.lower()}": {n} sessions', lambda: page.wait_for_function(
            "(want) => { const e = document.querySelector('[data-testid=report-sessions] .stat-number');"
            " return e && e.textContent === want; }", self.num(n)))
        self.wait_idle('report-body')
        self.check_stat('report-sessions', n, 'report.stat_sessions', f'report of {top}: {n} sessions')
        self.check_stat('report-participants', self.here.participants, 'report.stat_participants',
                        f'report of {top}: {self.here.participants} participants')
        check_eq(tid('report-scope').text_content(), fill(T['report.scope'], {
            'place': self.country(top), 'period': T['report.all_dates']}), f'report: the scope names {top}')
        check_eq(page.locator('#report-filters-active').text_content(), self.num(1), 'report: one filter on')
        audit(self.b, f'report of {top}')
        self.b.shot(f'report-{top}', True)
        # A country name where a code goes: the field takes two letters.
        tid('report-country').fill('Mali')
        typed = tid('report-country').input_value()
        check_eq(typed, 'Ma', 'report: "Mali" typed, the field keeps two letters (maxlength 2)')
        tid('report-country').fill('M')
        tid('report-apply').click()
        want = fill(T['validation.country'], {'field': T['sessions.filter_country']})
        check_wait('report: one letter is refused by the page, with its message', lambda: page.wait_for_function(
            "(want) => document.getElementById('report-error').textContent === want", want))
        check_eq([tid('report-country').get_attribute('aria-invalid'), page.evaluate('() => document.activeElement.id')],
                 ['true', 'report-country'], 'report: the country field marked invalid and focused')
        self.check_stat('report-sessions', n, 'report.stat_sessions', f'report: the {top} figures stay')
        audit(self.b, 'report, bad country')
        self.b.shot('report-bad-country')
        self.b.expect('GET', r'^/api/report$', 400)
        r = self.b.fetch_json('GET', '/api/report?country=Mali&lang=' + self.opts.lang)
        err = (r['json'] or {}).get('error') or {}
        check(r['status'] == 400 and err.get('code') == 'bad_request',
              'report: the server refuses country=Mali too (400 bad_request)', js_json(r)[:200])
        tid('report-clear').click()
        check_wait(f'report: cleared, all {self.all.n} sessions again', lambda: page.wait_for_function(
            "(want) => { const e = document.querySelector('[data-testid=report-sessions] .stat-number');"
            " return e && e.textContent === want && !document.getElementById('report-error').textContent; }",
            self.num(self.all.n)))

    def brief(self):
        T, tid, page, f, top = self.T, self.tid, self.page, self.here, self.top
        phase('brief')
        tid('nav-brief').click()
        tid('screen-brief').wait_for()
        latest = self.newest['place']['country'].upper()
        check_wait(f"brief: the country is that of the latest session ({latest})", lambda: page.wait_for_function(
            "(c) => document.getElementById('brief-country').value === c", latest))
        check_strings(self.b, T, 'brief form')
        audit(self.b, 'brief form')
        self.b.shot('brief-form')
        tid('brief-country').fill(top)
        tid('brief-submit').click()
        check_wait(f'brief of {top}: shown', lambda: tid('brief-place').wait_for())
        self.wait_idle('brief-body')
        check_eq(tid('brief-place').text_content(), fill(T['brief.heading'], {'place': self.country(top)}),
                 f'brief: its heading names {self.country(top)}')
        check_eq(page.evaluate('() => document.activeElement.id'), 'brief-place', 'brief: the focus moves to it')
        check_eq(tid('brief-summary').text_content(), fill(T['brief.summary_range'], {
            'sessions': self.tn('sessions.count', f.n), 'participants': self.tn('sessions.participants', f.participants),
            'from': self.long_date(f.dates[0]), 'to': self.long_date(f.dates[-1])}),
            f'brief: {f.n} sessions, from the first to the last, {f.participants} participants')
        c = page.evaluate(CHART_JS, '#screen-brief [data-testid=chart-months]')
        check(c and c['tag'] == 'FIGURE' and c['ns'] == SVG_NS and c['title'] == T['chart.months'],
              "brief: the months chart, an inline <svg> titled with the table's chart.months", js_json(c)[:300])
        # Its bars are months as the language writes them ("oct. 2025"), never "2025-10".
        short = [fill(T['chart.month_label'], {'month': T[f'chart.month.{m[5:]}'], 'year': m[:4]})
                 for m in f.months]
        bar_titles = [bar[0] for bar in (c or {}).get('bars', [])]
        check(bar_titles and all(any(t.startswith(x + ':') for t in bar_titles) for x in short)
              and not any(re.search(r'\d{4}-\d{2}', t) for t in bar_titles),
              "brief: the months chart's bars are named with the table's month names",
              f'{js_json(short[:4])} in {js_json(bar_titles[:6])}')
        months = [self.b.intl_date(self.L, f'{m}-01T00:00:00Z', {'year': 'numeric', 'month': 'long', 'timeZone': 'UTC'})
                  for m in f.months]
        t = page.evaluate(TABLE_JS, '#screen-brief [data-testid=table-months]')
        shown = [r[0] for r in t['rows']] if t else []
        check(t and all(m in shown for m in months), f'brief: the months table holds the {len(months)} months '
              'with a session', f'{js_json(months)} in {js_json(shown)}')
        for prefix, _ in DIMENSIONS:
            self.check_chart('brief', f'participation-{prefix}', f'chart.by_{prefix}',
                             [T.get(f'{prefix}.{k}', k) for k in f.dims[prefix]])
        self.check_chart('brief', 'concerns', 'chart.concerns', [T[f'category.{c}'] for c in f.concerns])
        blocks = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#screen-brief [data-testid=brief-concerns] [data-testid=brief-concern]')).map((b) => [
            b.dataset.category, b.querySelector('h3').textContent, b.querySelector('.card-meta').textContent,
            b.querySelectorAll('[data-testid=brief-concern-summary]').length])""")
        want = sorted([c, T[f'category.{c}'], fill(T['brief.concern_counts'], {
            'concerns': self.tn('brief.n_concerns', n), 'sessions': self.tn('sessions.count', h)}), min(n, 3)]
            for c, (n, h) in f.concerns.items())
        check_eq(sorted(blocks), want, f'brief: the {len(want)} recurring concerns, named and counted, '
                 'with their latest summaries (3 at most)')
        self.check_commitments(f)
        self.check_follow_through('brief', f)
        check_strings(self.b, T, 'brief')
        audit(self.b, f'brief of {top}')
        self.b.shot(f'brief-{top}')
        self.b.shot(f'brief-{top}-full', True)

    def check_commitments(self, f):
        T, page, today = self.T, self.page, self.today
        overdue = [c for c in f.commitments if c.get('due') and c['due'] < today]
        check_eq(self.text('[data-testid=brief-open-summary]'),
                 self.tn('brief.open_summary', len(f.commitments), {'overdue': len(overdue)}),
                 f'brief: {len(f.commitments)} open commitments, {len(overdue)} overdue on {today}')
        groups = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#screen-brief [data-testid=brief-owner]')).map((g) => ({
            head: g.querySelector('h3').textContent,
            items: Array.from(g.querySelectorAll('[data-testid=brief-commitment]')).map((c) => ({
              action: c.querySelector('.card-title').textContent, overdue: c.dataset.overdue,
              due: c.querySelector('.card-body > p.card-meta').textContent })) }))""")
        by_action = {c['action']: c for c in f.commitments}
        n_items = sum(len(g['items']) for g in groups)
        owners = {c['owner'] for c in f.commitments}
        check(len(groups) == len(owners) and n_items == len(f.commitments),
              f'brief: {len(f.commitments)} commitments under {len(owners)} institutions',
              f'{len(groups)} groups, {n_items} commitments')
        bad = []
        for g in groups:
            for it in g['items']:
                c = by_action.get(it['action'])
                if not c:
                    bad.append(f"unknown: {it['action'][:40]}")
                    continue
                late = bool(c.get('due')) and c['due'] < today
                if it['overdue'] != ('true' if late else 'false'):
                    bad.append(f"{c.get('due')} data-overdue={it['overdue']}")
                if not g['head'].startswith(c['owner']):
                    bad.append(f"{c['owner'][:30]} under {g['head'][:30]}")
                want = T['commitment.no_due']
                if c.get('due'):
                    date = self.b.intl_date(self.L, f"{c['due']}T00:00:00Z", {'dateStyle': 'medium', 'timeZone': 'UTC'})
                    want = (fill(T['commitment.due_late'], {'date': date, 'late': self.tn(
                        'commitment.days_late', self.days(c['due'], today))}) if late
                        else fill(T['commitment.due_on'], {'date': date}))
                if it['due'] != want:
                    bad.append(f"due line {it['due']!r} instead of {want!r}")
        check(not bad, 'brief: each commitment under its institution, data-overdue as its due date says, '
              'its due line from the table', ' | '.join(bad[:3]))

    @staticmethod
    def days(a, b):
        return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days

    def brief_empty(self):
        T, tid, page = self.T, self.tid, self.page
        phase('brief of a place without sessions')
        tid('brief-country').fill('ZZ')
        tid('brief-submit').click()
        check_wait('brief of ZZ: the empty state', lambda: tid('brief-empty').wait_for())
        self.wait_idle('brief-body')
        info(f"heading: {tid('brief-place').text_content()}")
        check_eq(tid('brief-empty').text_content(), T['brief.no_sessions'], 'brief of ZZ: brief.no_sessions')
        check_eq(page.locator('#brief-body p.empty').all_text_contents(),
                 [T['brief.no_sessions'], T['brief.no_concerns'], T['brief.no_open'], T['brief.no_follow_through']],
                 'brief of ZZ: no concern, no open commitment, no follow-through, said from the table')
        check_eq(page.locator('#brief-body svg, #brief-body [data-testid=brief-commitment]').count(), 0,
                 'brief of ZZ: no chart, no commitment')
        audit(self.b, 'brief of ZZ')
        self.b.shot('brief-ZZ')

    def sync_ok(self):
        T, tid, page, partner = self.T, self.tid, self.page, self.partner
        phase('sync')
        tid('nav-sync').click()
        tid('screen-sync').wait_for()
        check_wait('sync: never synced', lambda: tid('sync-never').wait_for())
        check_eq(tid('sync-never').text_content(), T['sync.never'], 'sync: sync.never')
        check_eq(tid('sync-server').text_content(), partner.url, "sync: the server is the organisation's")
        check(not tid('sync-not-enrolled').is_visible() and tid('sync-now').is_visible(),
              'sync: enrolled, the Sync now button offered')
        check_strings(self.b, T, 'sync, never synced')
        audit(self.b, 'sync')
        self.b.shot('sync-never')
        t0 = time.monotonic()
        tid('sync-now').click()
        check_wait('sync: it ends and the page says it succeeded', lambda: page.wait_for_function(
            "() => { const o = document.querySelector('[data-testid=sync-last-outcome]');"
            " return o && document.getElementById('sync-stage').textContent && o; }", timeout=60))
        info(f'sync took {time.monotonic() - t0:.1f} s')
        last = (self.b.fetch_json('GET', '/api/sync')['json'] or {}).get('last') or {}
        entries = partner.entries
        check(last.get('ok') is True and entries and last.get('pushed') == entries,
              f'GET /api/sync: ok, every one of the {entries} entries of the vault (palabre verify) sent', js_json(last))
        out = tid('sync-last-outcome')
        check_eq([out.get_attribute('data-ok'), out.text_content()], ['true', T['sync.ok']], 'sync: Succeeded')
        check_eq(tid('sync-last-pushed').text_content(), self.num(entries), f'sync: Sent {entries}')
        check_eq(tid('sync-last-pulled').text_content(), self.num(last.get('pulled', -1)), 'sync: Received as the API says')
        check_eq(tid('sync-stage').text_content(),
                 self.fill_l(T['sync.done_ok'], {'pushed': entries, 'pulled': last.get('pulled', -1)}),
                 "sync: the live line says it finished, from the table's sync.done_ok")
        when = page.evaluate("(loc, ms) => new Intl.DateTimeFormat(loc, { dateStyle: 'medium', timeStyle: 'short' })"
                             ".format(new Date(ms))", self.L, last.get('finished_at', 0))
        check_eq(tid('sync-last-when').text_content(), when, "sync: when, in the browser's clock")
        check_eq([tid('sync-now').get_attribute('aria-disabled'), tid('sync-now').text_content()],
                 ['false', T['sync.now']], 'sync: the button is back to Sync now')
        check('POST /v1/push 200' in partner.stderr, 'palabre serve logged the push (200)',
              '' if 'POST /v1/push 200' in partner.stderr else partner.stderr[-300:])
        check_strings(self.b, T, 'sync, done')
        audit(self.b, 'sync done')
        self.b.shot('sync-ok')

    def sync_unavailable(self):
        T, tid, page, b = self.T, self.tid, self.page, self.b
        phase('sync, the server stopped')
        exit_ = self.partner.stop()
        check(exit_ and exit_['code'] == 0 and 'palabre serve: stopped' in self.partner.stdout,
              'palabre serve stops on SIGTERM with exit code 0', js_json(exit_))
        # The page asks for the default 120 s of retries: from the page, 0.
        csrf = b.fetch_json('GET', '/api/state')['json']['csrf']
        r = b.fetch_json('POST', '/api/sync', csrf, {'max_wait_seconds': 0})
        check(r['status'] == 202 and (r['json'] or {}).get('running') is True,
              'POST /api/sync {"max_wait_seconds": 0}: 202 running', js_json(r))
        deadline, st = time.monotonic() + 30, {}
        while time.monotonic() < deadline:
            st = b.fetch_json('GET', '/api/sync')['json'] or {}
            if st.get('running') is False:
                break
            time.sleep(0.2)
        last = st.get('last') or {}
        check(st.get('running') is False and last.get('ok') is False and last.get('code') == 'unavailable',
              'GET /api/sync: the sync ended, failed, unavailable', js_json(st)[:300])
        tid('nav-brief').click()
        tid('screen-brief').wait_for()
        tid('nav-sync').click()
        for how in ('back on the Sync screen', 'after a reload'):
            check_wait(f'sync, {how}: Failed', lambda: page.wait_for_function(
                "() => { const o = document.querySelector('[data-testid=sync-last-outcome]');"
                " return o && o.dataset.ok === 'false'; }"))
            check_eq(tid('sync-last-outcome').text_content(), T['sync.failed'], f'sync, {how}: sync.failed')
            ex = tid('sync-last-explanation')
            check_eq([ex.get_attribute('data-code'), ex.text_content()], ['unavailable', T['sync.error_unavailable']],
                     f"sync, {how}: unavailable, explained by the table's sync.error_unavailable")
            check_eq(tid('sync-last-details').count(), 0, f'sync, {how}: no English details for a known failure')
            check_eq(tid('sync-server').text_content(), self.partner.url, f'sync, {how}: the server still named')
            check_strings(b, T, f'sync failed, {how}')
            audit(b, f'sync failed, {how}')
            b.shot('sync-failed' if how.startswith('back') else 'sync-failed-reloaded')
            if how.startswith('back'):
                page.reload()
                tid('screen-sync').wait_for()
