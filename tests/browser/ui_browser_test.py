#!/usr/bin/env python3
"""Browser tests of `palabre ui` (docs/ui-api.md): the real server on
loopback, against a vault of its own, driven through Debian's chromium by
Debian's chromedriver and python3-selenium (chromium_page.py; nothing is
ever downloaded).

  python3 tests/browser/ui_browser_test.py --palabre PATH --examples DIR \\
          --out DIR --case flow|refusals|views --lang en|fr [--i18n DIR]

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
views:    a coordinator (the vault made an organisation's, its partner
          server `palabre serve` on loopback) reads the report (the
          server's inline SVG charts, the tables, a country filter, a bad
          country refused), the handover brief of the country with the most
          sessions (months chart, concerns, open commitments by institution,
          overdue as their due dates say, follow-through) and of a country
          with none, then syncs: never synced, Sync now succeeds with every
          entry sent; the partner server stopped, a sync fails as
          unavailable. Every text checked against the string table.

All: every request the browser makes must go to http://127.0.0.1:PORT
(recorded from chromedriver's performance log), no CSP violation, no page
error, no console error but the HTTP errors of the deliberate refusals (each
matched with its response). The passphrase goes to palabre on descriptor 3
only, never in argv or the environment. The string tables are read from
--i18n (default: ui/assets/i18n of this tree). Chromium and chromedriver:
$PALABRE_CHROMIUM (default /usr/bin/chromium), $PALABRE_CHROMEDRIVER
(default /usr/bin/chromedriver). Screenshots: OUT/<lang>/NN-name.png (flow),
OUT/refusals-<lang>/ (refusals), OUT/views-<lang>/ (views).
Exit 0: every check passed; 1: a check failed; 2: the run broke.

The parts, beside this file: check_report.py (the checks and their report),
palabre_process.py (palabre, palabre ui, palabre serve, plain HTTP
requests),
chromium_page.py (chromium through selenium, what the browser did),
ui_page.py (the app's page, the checks both cases share and end with),
flow_case.py, refusals_case.py and views_case.py (the three cases, a
method per phase).
"""

import argparse
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# pylint: disable=wrong-import-position
import check_report as report  # noqa: E402
from check_report import check, info, js_json, phase  # noqa: E402
from flow_case import Flow  # noqa: E402
from palabre_process import PartnerServer, UiServer, example_sessions, free_port, make_org, \
    make_vault, verify_counts  # noqa: E402
from refusals_case import Refusals  # noqa: E402
from ui_page import Browser  # noqa: E402
from views_case import Views  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
I18N_DIR = os.path.normpath(os.path.join(HERE, '../../ui/assets/i18n'))

# ------------------------------------------------------------------ arguments


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], allow_abbrev=False)
    p.add_argument('--palabre', required=True)
    p.add_argument('--examples', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--case', choices=['flow', 'refusals', 'views'], default='flow')
    p.add_argument('--lang', choices=['en', 'fr'], default='en')
    p.add_argument('--i18n', default=I18N_DIR, help='the string tables (<lang>.json)')
    opts = p.parse_args(argv)  # exits with status 2 on a bad argument
    for k in ('palabre', 'examples', 'out', 'i18n'):
        setattr(opts, k, os.path.abspath(getattr(opts, k)))
    return opts


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
    partner = None
    if opts.case == 'views':
        partner = start_partner(opts, env, vault, passphrase, state)
        cli_out += partner.cli_out
    check(passphrase not in cli_out, 'palabre never prints the passphrase')

    phase('server')
    server = state['server'] = UiServer(opts, env, vault, 4 if opts.case == 'refusals' else 300)
    server.start()
    check(re.fullmatch(r'[0-9a-f]{64}', server.token), 'palabre ui prints its link with a 32-byte token',
          re.sub(r'token=.*', 'token=…', server.url))
    info(f'listening on {server.origin}')

    b = state['browser'] = Browser(server, opts.lang, shot_dir)
    b.open()
    if opts.case == 'views':
        Views(opts, server, b, passphrase, examples, partner).run()
    else:
        (Flow if opts.case == 'flow' else Refusals)(opts, server, b, passphrase, examples).run()

    phase('end')
    b.final_checks()
    b.close()
    exit_ = server.stop()
    check(exit_ and exit_['code'] == 0, 'palabre ui stops on SIGTERM with exit code 0', js_json(exit_))
    check(re.search(r'palabre ui: stopped, vault locked', server.stdout), 'and says the vault was locked',
          ' '.join(server.stdout.split('\n')[-2:]))
    check(passphrase not in server.stdout + server.stderr, 'palabre ui never prints the passphrase')


def start_partner(opts, env, vault, passphrase, state):
    """The vault made an organisation's, its partner server started on a
    loopback port picked beforehand; the vault's entry count kept on it."""
    port = free_port()
    org_file = os.path.join(env['HOME'], 'org.json')
    cli_out = make_org(opts, env, vault, passphrase, f'http://127.0.0.1:{port}', org_file)
    counts = verify_counts(opts, env, vault, passphrase)
    info(f"organisation made; palabre verify: {counts.get('entries')} entries, "
         f"{counts.get('sessions')} sessions")
    partner = state['partner'] = PartnerServer(opts, env, org_file, os.path.join(env['HOME'], 'serve-data'),
                                               port)
    partner.start()
    check(partner.url == f'http://127.0.0.1:{port}', 'palabre serve says it listens on the port the '
          'organisation names', partner.url)
    partner.cli_out, partner.entries = cli_out, counts.get('entries')
    return partner


def main(argv):
    opts = parse_args(argv)
    shot_dir = os.path.join(opts.out, opts.lang if opts.case == 'flow' else f'{opts.case}-{opts.lang}')
    os.makedirs(shot_dir, exist_ok=True)
    for f in os.listdir(shot_dir):
        if f.endswith('.png'):
            os.remove(os.path.join(shot_dir, f))
    print(f'palabre ui browser test: case {opts.case}, {opts.lang}; screenshots in {shot_dir}')

    tmp = tempfile.mkdtemp(prefix='palabre-ui-browser-')
    env = clean_env(tmp)
    passphrase = f'correct horse {secrets.token_hex(9)}'
    state = {'server': None, 'browser': None, 'partner': None}
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
        if state['partner'] and not state['partner'].exit:
            state['partner'].stop()
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [r for r in report.results if not r['ok']]
    print('\ntimings:')
    for name, seconds in report.phases:
        print(f'  {name:<44} {seconds:.1f} s')
    print(f"  {'total':<44} {time.monotonic() - report.started_at:.1f} s")
    if broke:
        print(f'\nBROKEN after {len(report.results)} checks ({len(failed)} failed): {broke}')
        if state['server']:
            print(f"palabre ui output:\n{state['server'].stdout}{state['server'].stderr}")
        if state['partner']:
            print(f"palabre serve output:\n{state['partner'].stdout}{state['partner'].stderr}")
        return 2
    print(f'\n{len(report.results) - len(failed)}/{len(report.results)} checks passed (case {opts.case}, {opts.lang}); '
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
