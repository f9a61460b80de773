"""The flow case of the browser tests (tests/browser/ui_browser_test.py): a
facilitator's whole round in the page, phase by phase, every text checked
against the string table and what the page stored checked through the API.
"""

import datetime
import os
import re
import time
import unicodedata
import urllib.parse

from check_report import (add_days, check, check_eq, check_wait, fill, info, js_json,
                          now_ms, phase, spaces)
from ui_page import audit, check_strings, load_table, unlock, unlock_screen_checks, \
    visible_screen, wait_count, wrong_passphrase


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
