#!/usr/bin/env node
// Browser tests of `palabre ui` (docs/ui-api.md): the real server on
// loopback, against a vault of its own, driven through Debian's chromium by
// playwright-core (no browser is ever downloaded).
//
//   node tests/browser/ui_browser_test.mjs --palabre PATH --examples DIR \
//        --out DIR --case flow|refusals --lang en|fr
//
// flow:     a facilitator unlocks (a wrong passphrase first), lists and
//           filters the sessions, records a new one (steppers, agenda,
//           concerns, agreement, commitment, notes), sees its draft kept and
//           restored, is told what is wrong (by the page, then by the
//           server), saves, finds it by a rare word of its notes, records a
//           follow-up, sees the commitment move to Done, switches language
//           and locks. Every text checked against the string table.
// refusals: a wrong passphrase; from node with the browser's cookie: no or
//           a wrong CSRF header, a foreign Host, no cookie, the used token;
//           the security headers of every answer; a lock behind the page's
//           back (423); the idle lock seen by the page and by the server;
//           a page whose cookie is gone (401).
//
// Both: every request the browser makes must go to http://127.0.0.1:PORT,
// no CSP violation, no page error, no console error but the HTTP errors of
// the deliberate refusals (each matched with its response). The passphrase
// goes to palabre on descriptor 3 only, never in argv or the environment.
// Screenshots: OUT/<lang>/NN-name.png (flow), OUT/refusals-<lang>/ (refusals).
// Exit 0: every check passed; 1: a check failed; 2: the run broke.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const I18N_DIR = path.resolve(HERE, '../../ui/assets/i18n');

// The Content-Security-Policy every answer must carry (docs/ui-api.md).
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
  + "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
  + "frame-ancestors 'none'; base-uri 'none'";

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ arguments

function parseArgs(argv) {
  const opts = { case: 'flow', lang: 'en' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--(palabre|examples|out|case|lang)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (value === undefined) throw new Error(`${a}: a value is needed`);
    opts[m[1]] = value;
  }
  for (const k of ['palabre', 'examples', 'out']) {
    if (!opts[k]) throw new Error(`--${k} is required`);
  }
  if (!['flow', 'refusals'].includes(opts.case)) throw new Error('--case: flow or refusals');
  if (!['en', 'fr'].includes(opts.lang)) throw new Error('--lang: en or fr');
  opts.palabre = path.resolve(opts.palabre);
  opts.examples = path.resolve(opts.examples);
  opts.out = path.resolve(opts.out);
  return opts;
}

// ------------------------------------------------------------------ checks

const results = [];
const startedAt = Date.now();
const phases = [];
let phaseName = '';
let phaseStart = 0;

function phase(name) {
  const now = Date.now();
  if (phaseName) phases.push([phaseName, now - phaseStart]);
  phaseName = name;
  phaseStart = now;
  if (name) console.log(`\n-- ${name}`);
}

function check(ok, name, detail) {
  results.push({ ok: !!ok, name });
  const d = detail === undefined || detail === '' ? '' : ` (${detail})`;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok && !detail ? '' : d}`);
  return !!ok;
}

function checkEq(actual, expected, name) {
  const ok = actual === expected;
  return check(ok, name, ok ? '' : `got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
}

// Waits for fn (a Playwright wait) and records a check; a timeout is a
// failed check, not a broken run.
async function checkWait(name, fn) {
  try {
    await fn();
    return check(true, name);
  } catch (e) {
    return check(false, name, String(e && e.message ? e.message : e).split('\n')[0]);
  }
}

function info(text) {
  console.log(`     ${text}`);
}

// {name} placeholders, as the page fills them (numbers through fmtNum).
function fill(template, vars, numberLocale) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => {
    if (!vars || !(k in vars)) return m;
    const v = vars[k];
    return typeof v === 'number' ? new Intl.NumberFormat(numberLocale).format(v) : String(v);
  });
}

// Narrow and plain no-break spaces as plain spaces: Intl implementations
// differ on which one French uses.
const spaces = (s) => String(s).replace(/[\u202f\u00a0]/g, ' ');

// ------------------------------------------------------------------ processes

// Runs palabre with the passphrase on descriptor 3 (never argv or env).
function runPalabre(opts, env, args, passphrase, timeoutMs = 120000) {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.palabre, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`palabre ${args.join(' ')}: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    const fd3 = child.stdio[3];
    fd3.on('error', () => { /* palabre may close it before reading all */ });
    fd3.end(`${passphrase}\n`);
  });
}

class UiServer {
  constructor(opts, env, vault, idleSeconds) {
    this.opts = opts;
    this.env = env;
    this.vault = vault;
    this.idle = idleSeconds;
    this.stdout = '';
    this.stderr = '';
    this.exit = null;
    this.child = null;
  }

  start(deadlineMs = 30000) {
    return new Promise((resolve, reject) => {
      const args = ['--vault', this.vault, 'ui', '--no-browser', '--port', '0',
        '--idle-lock', String(this.idle)];
      const child = spawn(this.opts.palabre, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
      this.child = child;
      this.exited = new Promise((res) => {
        child.on('close', (code, signal) => {
          this.exit = { code, signal };
          res(this.exit);
        });
      });
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        reject(new Error(`palabre ui printed no link in ${deadlineMs} ms: ${this.stdout} ${this.stderr}`));
      }, deadlineMs);
      child.on('error', (e) => {
        if (!done) { done = true; clearTimeout(timer); reject(e); }
      });
      child.stderr.on('data', (d) => { this.stderr += d; });
      child.stdout.on('data', (d) => {
        this.stdout += d;
        const m = /^palabre ui: open (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))$/m.exec(this.stdout);
        if (m && !done) {
          done = true;
          clearTimeout(timer);
          this.url = m[1];
          this.port = Number(m[2]);
          this.token = m[3];
          this.origin = `http://127.0.0.1:${this.port}`;
          resolve(this);
        }
      });
      this.exited.then(() => {
        if (!done) {
          done = true;
          clearTimeout(timer);
          reject(new Error(`palabre ui ended at once (${JSON.stringify(this.exit)}): ${this.stdout} ${this.stderr}`));
        }
      });
    });
  }

  async stop(deadlineMs = 15000) {
    if (!this.child || this.exit) return this.exit;
    this.child.kill('SIGTERM');
    const t = sleep(deadlineMs).then(() => null);
    const r = await Promise.race([this.exited, t]);
    if (!r) {
      this.child.kill('SIGKILL');
      await this.exited;
      return { code: null, signal: 'SIGKILL (no exit after SIGTERM)' };
    }
    return r;
  }
}

// One request from node, with exactly the headers given (Host included if
// given: node sets 127.0.0.1:PORT otherwise).
function request(port, method, urlPath, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const h = Object.assign({}, headers);
    if (body !== undefined) {
      h['Content-Type'] = h['Content-Type'] || 'application/json';
      h['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
        resolve({ status: res.statusCode, headers: res.headers, raw: res.rawHeaders, text, json });
      });
      res.on('error', reject);
    });
    req.setTimeout(20000, () => req.destroy(new Error(`${method} ${urlPath}: no answer in 20 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ------------------------------------------------------------------ vault

function exampleSessions(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f));
  const sessions = [];
  for (const f of files) {
    const data = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const s of Array.isArray(data) ? data : [data]) sessions.push(s);
  }
  return { files, sessions };
}

async function makeVault(opts, env, dir, passphrase, files) {
  const t0 = Date.now();
  const init = await runPalabre(opts, env, ['--vault', dir, '--passphrase-fd', '3', 'init', '--kdf', 'interactive'], passphrase);
  if (init.code !== 0) throw new Error(`palabre init failed (${init.code}): ${init.stderr}`);
  const outputs = [init.stdout + init.stderr];
  for (const f of files) {
    const r = await runPalabre(opts, env, ['--vault', dir, '--passphrase-fd', '3', 'session', 'add', '--file', f], passphrase);
    if (r.code !== 0) throw new Error(`palabre session add --file ${f} failed (${r.code}): ${r.stderr}`);
    outputs.push(r.stdout + r.stderr);
  }
  info(`vault made: init + ${files.length} sessions added in ${Date.now() - t0} ms`);
  return outputs.join('\n');
}

// ------------------------------------------------------------------ browser

class Browser {
  constructor(server, lang, shotDir) {
    this.server = server;
    this.lang = lang;
    this.shotDir = shotDir;
    this.shotN = 0;
    this.requests = []; // {url, method, at}
    this.responses = []; // {url, method, status, at}
    this.headerChecks = [];
    this.console = []; // {type, text}
    this.pageErrors = [];
    this.csp = [];
    this.expected = []; // deliberate refusals: {method, path, status}
  }

  async open() {
    const exe = process.env.PALABRE_CHROMIUM || '/usr/bin/chromium';
    this.browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
    this.context = await this.browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: this.lang === 'fr' ? 'fr-FR' : 'en-US',
      hasTouch: true,
      // A fixed zone: the offset the page records with times is known.
      timezoneId: 'Africa/Niamey',
    });
    this.context.setDefaultTimeout(20000);
    this.context.on('request', (r) => {
      this.requests.push({ url: r.url(), method: r.method(), at: Date.now() });
    });
    this.context.on('response', (r) => {
      const req = r.request();
      const entry = { url: r.url(), method: req.method(), status: r.status(), at: Date.now() };
      this.responses.push(entry);
      this.headerChecks.push(r.headersArray().then((h) => ({ entry, headers: h.map((x) => [x.name, x.value]) }), () => null));
    });
    await this.context.exposeBinding('__palabreCspViolation', (src, v) => { this.csp.push(v); });
    this.page = await this.context.newPage();
    this.watch(this.page, this.console, this.pageErrors);
    await this.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const v = `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`;
        try { window.__palabreCspViolation(v); } catch (err) { /* binding gone */ }
        console.error(`CSP violation: ${v}`);
      });
    });
    return this.page;
  }

  watch(page, consoleList, errorList) {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleList.push({ type: m.type(), text: m.text() });
    });
    page.on('pageerror', (e) => errorList.push(String(e && e.message ? e.message : e)));
    page.on('crash', () => errorList.push('page crashed'));
  }

  tid(id) {
    return this.page.locator(`[data-testid="${id}"]`);
  }

  // A deliberate refusal about to happen: its response and console line are
  // expected (and must happen).
  expect(method, pathRe, status) {
    this.expected.push({ method, pathRe, status, seen: 0 });
  }

  async shot(name, fullPage = false) {
    this.shotN += 1;
    const file = path.join(this.shotDir, `${String(this.shotN).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file, fullPage });
    return file;
  }

  // GET (or another method) from inside the page: same origin, the cookie
  // is sent; the CSRF header only if given.
  async fetchJson(method, urlPath, csrf, body) {
    return this.page.evaluate(async ({ method, urlPath, csrf, body }) => {
      const headers = { Accept: 'application/json' };
      if (csrf) headers['X-Palabre-CSRF'] = csrf;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(urlPath, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      let json = null;
      try { json = await res.json(); } catch (e) { /* empty */ }
      return { status: res.status, json };
    }, { method, urlPath, csrf, body });
  }

  // The checks every case ends with.
  async finalChecks(extraAllowedConsole = () => false) {
    const origin = this.server.origin;
    const foreign = [];
    for (const r of this.requests) {
      let o = '';
      try { o = new URL(r.url).origin; } catch (e) { o = '?'; }
      if (o !== origin) foreign.push(`${r.method} ${r.url}`);
    }
    check(this.requests.length > 0 && foreign.length === 0,
      `every one of the ${this.requests.length} requests the browser made went to ${origin}`,
      foreign.slice(0, 5).join(' | '));

    const heads = (await Promise.all(this.headerChecks)).filter(Boolean);
    const judged = heads.map((h) => ({ h, p: headerProblems(h.headers) }));
    const where = (x) => `${x.h.entry.status} ${x.h.entry.method} ${new URL(x.h.entry.url).pathname}`;
    const badValues = judged.filter((x) => x.p.values.length);
    check(heads.length > 0 && badValues.length === 0,
      `each of the ${heads.length} answers the browser got carries the exact CSP, nosniff, no-referrer, no-store`,
      badValues.slice(0, 3).map((x) => `${where(x)}: ${x.p.values.join('; ')}`).join(' | '));
    const twice = judged.filter((x) => x.p.repeated.length);
    check(twice.length === 0, 'and sends each of those headers once',
      twice.length ? `${twice.length} of ${heads.length} repeat them: ${twice.slice(0, 4).map((x) => `${where(x)} (${x.p.repeated.join(', ')})`).join(' | ')}` : '');

    check(this.csp.length === 0, 'no CSP violation in the page', this.csp.slice(0, 5).join(' | '));
    check(this.pageErrors.length === 0, 'no page error', this.pageErrors.slice(0, 5).join(' | '));

    // HTTP errors: each must be a deliberate refusal, and each deliberate
    // refusal must have happened.
    const unexpected = [];
    const errorsByStatus = new Map();
    for (const r of this.responses) {
      if (r.status < 400) continue;
      const p = new URL(r.url).pathname;
      const e = this.expected.find((x) => x.method === r.method && x.status === r.status && x.pathRe.test(p) && x.seen === 0)
        || this.expected.find((x) => x.method === r.method && x.status === r.status && x.pathRe.test(p));
      if (!e) unexpected.push(`${r.method} ${p} ${r.status}`);
      else e.seen += 1;
      errorsByStatus.set(r.status, (errorsByStatus.get(r.status) || 0) + 1);
    }
    check(unexpected.length === 0, 'no HTTP error answer but the deliberate refusals', unexpected.join(' | '));
    const missing = this.expected.filter((x) => x.seen === 0);
    check(missing.length === 0, `each of the ${this.expected.length} deliberate refusals in the browser was answered as expected`,
      missing.map((x) => `${x.method} ${x.pathRe} ${x.status}`).join(' | '));

    // Console: "Failed to load resource ... status of N" once per refused
    // answer with that status; nothing else.
    const budget = new Map(errorsByStatus);
    const stray = [];
    for (const m of this.console) {
      const http = /^Failed to load resource: the server responded with a status of (\d+)/.exec(m.text);
      if (http && m.type === 'error' && (budget.get(Number(http[1])) || 0) > 0) {
        budget.set(Number(http[1]), budget.get(Number(http[1])) - 1);
        continue;
      }
      if (extraAllowedConsole(m)) continue;
      stray.push(`${m.type}: ${m.text}`);
    }
    check(stray.length === 0, 'no console error or warning but the HTTP errors of the deliberate refusals',
      stray.slice(0, 5).join(' | '));
  }

  async close() {
    if (this.browser) await this.browser.close().catch(() => {});
    this.browser = null;
  }
}

// Visible texts with a data-i18n* key equal the string table's (those with
// arguments: no placeholder left). Options are checked when their select is
// visible.
async function checkStrings(b, T, where) {
  const r = await b.page.evaluate((T) => {
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
        if (/\{\w+\}/.test(text) || text === key) bad.push(`${key}: "${text}"`);
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
          if (!text || /\{\w+\}/.test(text)) bad.push(`${attr} ${key}: "${text}"`);
        } else if (text !== T[key]) bad.push(`${attr} ${key}: "${text}" instead of "${T[key]}"`);
      }
    }
    return { n, bad };
  }, T);
  check(r.n > 0 && r.bad.length === 0, `${where}: the ${r.n} visible texts with a key are the ${T.locale} table's`,
    r.bad.slice(0, 4).join(' | '));
}

// Labels, target sizes, overflow at 360 px (from the front end's own checks).
async function audit(b, name) {
  const r = await b.page.evaluate(() => {
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
  });
  check(r.unlabelled.length === 0 && r.small.length === 0 && r.overflow <= 0,
    `${name}: every field labelled, targets >= 44 px, no sideways scroll at 360 px`,
    `${r.unlabelled.join(' ')} ${r.small.slice(0, 4).join(' ')} overflow ${r.overflow}`);
}

async function visibleScreen(b) {
  return b.page.evaluate(() => {
    const s = Array.from(document.querySelectorAll('main > section.screen')).find((el) => !el.hidden);
    return s ? s.id : '';
  });
}

// In-page Intl, to know what the browser's own ICU makes of a date.
async function intlDate(b, loc, iso, opts) {
  return b.page.evaluate(({ loc, iso, opts }) => new Intl.DateTimeFormat(loc, opts).format(new Date(iso)), { loc, iso, opts });
}

function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// ------------------------------------------------------------------ flow

async function unlockScreenChecks(b, T, lang) {
  const page = b.page;
  await b.tid('passphrase').waitFor();
  checkEq(await page.evaluate(() => document.documentElement.lang), T.locale, `html lang is ${T.locale}`);
  checkEq(await page.locator('#unlock-title').textContent(), T['unlock.title'], 'unlock title from the table');
  checkEq(await b.tid('unlock-button').textContent(), T['unlock.submit'], 'unlock button from the table');
  checkEq(await page.title(), fill(T['screen.title'], { screen: T['screen.unlock'] }), 'document title from the table');
  checkEq(await b.tid('lang-switch').inputValue(), lang, `language switch shows ${lang}`);
  check(!page.url().includes('token'), 'the token left the address bar after the exchange', page.url());
}

async function wrongPassphrase(b, T) {
  const page = b.page;
  b.expect('POST', /^\/api\/unlock$/, 401);
  await b.tid('passphrase').fill('not the passphrase at all');
  await b.tid('unlock-button').click();
  await checkWait('wrong passphrase: the message is shown', () => page.waitForFunction(
    () => document.getElementById('unlock-error').textContent.length > 0));
  checkEq(await b.tid('unlock-error').textContent(), T['error.wrong_passphrase'], 'wrong passphrase: the table\'s message');
  checkEq(await page.evaluate(() => document.activeElement && document.activeElement.id), 'passphrase', 'wrong passphrase: focus back on the field');
  check(await b.tid('passphrase').isVisible(), 'wrong passphrase: still on the unlock screen');
}

async function unlock(b, passphrase) {
  await b.tid('passphrase').fill(passphrase);
  await b.page.keyboard.press('Enter');
}

async function runFlow(opts, server, b, passphrase, examples) {
  const { lang } = opts;
  const T = JSON.parse(fs.readFileSync(path.join(I18N_DIR, `${lang}.json`), 'utf8'));
  const other = lang === 'fr' ? 'en' : 'fr';
  const O = JSON.parse(fs.readFileSync(path.join(I18N_DIR, `${other}.json`), 'utf8'));
  const L = T.locale;
  const page = b.page;
  const tid = (id) => b.tid(id);
  const nSessions = examples.sessions.length;
  const nSac = examples.sessions.filter((s) => s.kind === 'security_advisory_committee').length;
  const nCommitments = examples.sessions.reduce((a, s) => a + (Array.isArray(s.commitments) ? s.commitments.length : 0), 0);

  phase('unlock');
  await page.goto(server.url);
  await unlockScreenChecks(b, T, lang);
  checkEq(await page.locator('#unlock-idle').textContent(), fill(T['unlock.idle_note.other'], { n: 5 }, L), 'unlock: the idle note says 5 minutes');
  await checkStrings(b, T, 'unlock screen');
  await audit(b, 'unlock');
  await b.shot('unlock');
  await wrongPassphrase(b, T);
  await b.shot('unlock-wrong-passphrase');
  await unlock(b, passphrase);
  await page.locator('#screen-sessions').waitFor();
  await tid('session-item').first().waitFor();

  phase('list and filters');
  const state = (await b.fetchJson('GET', '/api/state')).json;
  checkEq(state.locked, false, 'GET /api/state: unlocked');
  const today = state.today;
  checkEq(await tid('session-item').count(), nSessions, `the list shows the ${nSessions} example sessions`);
  checkEq(await tid('sessions-count').textContent(), fill(T['sessions.count.other'], { n: nSessions }, L), 'the count line from the table');
  checkEq(await tid('passphrase').inputValue(), '', 'the passphrase field is emptied');
  const newest = examples.sessions.slice().sort((a, c) => Date.parse(c.started_at) - Date.parse(a.started_at))[0];
  checkEq(await tid('session-item').first().locator('h2').textContent(), newest.title, 'newest session first');
  const wantDate = await intlDate(b, L, `${newest.started_at.slice(0, 10)}T00:00:00Z`, { dateStyle: 'medium', timeZone: 'UTC' });
  const shownDate = await tid('session-item').first().locator('.card-meta span').first().textContent();
  checkEq(shownDate, wantDate, `list dates in the ${L} format`);
  check(lang === 'fr' ? /^\d{1,2} [a-zéû]+\.? \d{4}$/.test(spaces(shownDate)) : /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(shownDate),
    `list date looks ${lang === 'fr' ? 'French (day month year)' : 'English (Month day, year)'}`, shownDate);
  checkEq(await tid('session-item').first().locator('.card-meta span').nth(2).textContent(), T[`kind.${newest.kind}`], 'session kind named from the table');
  await checkStrings(b, T, 'sessions screen');
  await audit(b, 'sessions');
  await b.shot('sessions');
  await tid('filters-toggle').click();
  await tid('filter-kind').selectOption('security_advisory_committee');
  await b.shot('filters');
  await tid('filters-apply').click();
  await checkWait(`kind filter narrows the list to the ${nSac} committee sessions`, () => page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=session-item]').length === n
      && !document.getElementById('sessions-list').hasAttribute('aria-busy'), nSac));
  check((await tid('session-item').allTextContents()).every((t) => t.includes(T['kind.security_advisory_committee'])),
    'every listed session is a committee session');
  await b.shot('filtered');
  await tid('filters-clear').click();
  await checkWait('clearing the filters shows every session again', () => page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid=session-item]').length === n, nSessions));

  phase('new session');
  const rare = 'zebrafinch';
  const title = lang === 'fr' ? 'Dialogue test à Ménaka' : 'Test dialogue in Ménaka';
  const sessionDate = addDays(today, -7);
  const due = addDays(today, -2);
  const next = addDays(today, 23);
  await tid('new-session-button').click();
  await page.locator('#screen-new').waitFor();
  await page.waitForFunction(() => !document.getElementById('session-form').inert);
  checkEq(await page.title(), fill(T['screen.title'], { screen: T['screen.new'] }), 'new session: document title from the table');
  await checkWait('new session: the country defaults to the latest session\'s', () => page.waitForFunction(
    (c) => document.getElementById('f-country').value === c, newest.place.country.toUpperCase()));
  checkEq(await tid('field-started-date').inputValue(), today, 'new session: the date defaults to today');
  await checkStrings(b, T, 'new session form');
  await audit(b, 'new session form');
  await b.shot('new-empty');
  await tid('field-kind').selectOption('community_dialogue');
  await tid('field-title').fill(title);
  await tid('field-started-date').fill(sessionDate);
  await tid('field-started-time').fill('09:30');
  await tid('field-ended-time').fill('12:15');
  await tid('field-country').fill('ml');
  await tid('field-region').fill('Ménaka');
  await tid('field-commune').fill('Ménaka');
  checkEq(await page.locator('#f-offset-hint').textContent(), fill(T['form.offset_hint'], { offset: '+01:00' }), 'the offset hint names this device\'s offset');
  // Steppers, by touch.
  await tid('field-by_sex-female').fill('1200');
  for (let i = 0; i < 3; i++) await tid('inc-by_sex-female').tap();
  checkEq(await tid('field-by_sex-female').inputValue(), '1203', 'stepper +: three taps add three');
  await tid('field-by_sex-male').fill('5');
  await tid('dec-by_sex-male').tap();
  checkEq(await tid('field-by_sex-male').inputValue(), '4', 'stepper −: one tap takes one');
  checkEq(spaces(await tid('total-by_sex').textContent()), spaces(fill(T['form.total'], { n: 1207 }, L)), `the total is written the ${L} way`);
  await page.locator('details[data-dim=by_group] > summary').tap();
  await tid('inc-by_group-youth').tap();
  await tid('add-agenda').click();
  checkEq(await page.evaluate(() => document.activeElement.dataset.testid), 'field-agenda-0', 'adding an agenda item moves the focus to it');
  await tid('field-agenda-0').fill(lang === 'fr' ? 'Sécurité du marché' : 'Market safety');
  await tid('add-concern').click();
  await tid('add-concern').click();
  checkEq(await tid('concern-item').count(), 2, 'two concern blocks');
  await tid('field-concern-0-category').selectOption('police_conduct');
  await tid('field-concern-0-raised_by').selectOption('youth');
  await tid('field-concern-0-summary').fill(lang === 'fr' ? 'Contrôles arbitraires au poste nord.' : 'Arbitrary checks at the north post.');
  await tid('field-concern-1-category').selectOption('armed_groups');
  await tid('field-concern-1-summary').fill(lang === 'fr' ? 'Hommes armés signalés sur la route.' : 'Armed men reported on the road.');
  await tid('add-agreement').click();
  await tid('field-agreement-0').fill(lang === 'fr' ? 'Réunion mensuelle jeunes–police.' : 'Monthly youth–police meeting.');
  await tid('add-commitment').click();
  const action = lang === 'fr' ? 'Publier les horaires des patrouilles.' : 'Publish the patrol schedule.';
  await tid('field-commitment-0-action').fill(action);
  await tid('field-commitment-0-owner').fill(lang === 'fr' ? 'Commissariat de Ménaka' : 'Ménaka police station');
  await tid('field-commitment-0-due').fill(due);
  await tid('field-notes').fill(lang === 'fr' ? `Première ligne.\nMot rare : ${rare}.` : `First line.\nRare word: ${rare}.`);
  await tid('field-next-meeting').fill(next);

  phase('draft');
  let draft = null;
  const draftDeadline = Date.now() + 15000;
  while (Date.now() < draftDeadline) {
    draft = (await b.fetchJson('GET', '/api/draft')).json;
    if (draft && draft.draft && typeof draft.draft.next_meeting === 'string' && draft.draft.next_meeting === next) break;
    await sleep(250);
  }
  const d = draft && draft.draft;
  check(d && d.title === title && Array.isArray(d.concerns) && d.concerns.length === 2
    && Array.isArray(d.commitments) && d.commitments.length === 1 && String(d.notes).includes(rare),
  'GET /api/draft: the form was saved as a draft in the vault (title, 2 concerns, 1 commitment, notes)', JSON.stringify(d).slice(0, 200));
  check(typeof draft?.saved_at === 'number' && Math.abs(draft.saved_at - Date.now()) < 120000, 'the draft has a recent saved_at', String(draft?.saved_at));
  await checkWait('the draft status line says when it was saved', () => page.waitForFunction(
    () => /\d/.test(document.getElementById('draft-state').textContent)));
  await checkStrings(b, T, 'filled form');
  await b.shot('new-filled', true);
  await page.reload();
  await page.locator('#screen-new').waitFor();
  await checkWait('after a reload the draft is restored', () => tid('draft-restored').waitFor());
  check((await tid('draft-restored').textContent()).startsWith(T['draft.restored_at'].split('{time}')[0]),
    'the restored notice from the table', await tid('draft-restored').textContent());
  checkEq(await tid('field-title').inputValue(), title, 'restored: title');
  checkEq(await tid('concern-item').count(), 2, 'restored: two concerns');
  checkEq(await tid('field-started-time').inputValue(), '09:30', 'restored: start time');
  checkEq(await tid('field-by_sex-female').inputValue(), '1203', 'restored: participants');
  checkEq(await tid('field-commitment-0-due').inputValue(), due, 'restored: commitment due date');
  check((await tid('field-notes').inputValue()).includes(rare), 'restored: notes');
  await b.shot('draft-restored');

  phase('validation');
  await tid('field-title').fill('');
  await tid('save-button').click();
  await tid('form-error').waitFor();
  checkEq(await page.locator('#form-error-lead').textContent(), fill(T['form.errors_lead'], { n: 1 }, L), 'page check: the error summary from the table');
  const wantTitleErr = fill(T['validation.required'], { field: T['form.title_field'] });
  checkEq(await page.locator('#form-error-list li').allTextContents().then((a) => a.join('|')), wantTitleErr, 'page check: "title required" and nothing else');
  checkEq(await page.evaluate(() => document.activeElement.id), 'form-error', 'page check: the summary takes the focus');
  await b.shot('client-error');
  await tid('form-error').locator('button').first().click();
  checkEq(await page.evaluate(() => document.activeElement.id), 'f-title', 'page check: its link focuses the title');
  await tid('field-title').fill(title);
  // A due date the date field takes (a five-digit year, as a slip on the
  // keyboard makes) but the record rules refuse: the server says so.
  const badDue = `2${due}`;
  await tid('field-commitment-0-due').fill(badDue);
  checkEq(await tid('field-commitment-0-due').inputValue(), badDue, `the date field accepts ${badDue}`);
  b.expect('POST', /^\/api\/sessions$/, 400);
  await tid('save-button').click();
  await checkWait('server check: its message naming commitments[0].due is shown', () => page.waitForFunction(
    () => document.getElementById('form-error-server').textContent.includes('commitments[0].due')));
  info(`server said: ${await page.locator('#form-error-server').textContent()}`);
  checkEq(await page.locator('#form-error-lead').textContent(), T['error.invalid_record'], 'server check: the lead from the table');
  checkEq(await page.locator('#form-error-list li').first().textContent(), fill(T['form.go_to_field'], { field: T['form.commitment_due'] }), 'server check: a link to the due date field');
  await b.shot('server-error');
  await tid('form-error').locator('button').first().click();
  checkEq(await page.evaluate(() => document.activeElement.dataset.testid), 'field-commitment-0-due', 'server check: the link focuses the due date');
  await tid('field-commitment-0-due').fill(due);

  phase('save and detail');
  await tid('save-button').click();
  await checkWait('saved: the page shows the new session', () => page.waitForFunction(() => /^#\/sessions\/[0-9a-f]{32}$/.test(location.hash)));
  const sid = (await page.evaluate(() => location.hash)).split('/')[2];
  await tid('session-title').waitFor();
  checkEq(await tid('session-title').textContent(), title, 'detail: title');
  await checkWait('detail: "session saved" shown', () => page.waitForFunction((txt) => document.getElementById('status').textContent === txt, T['form.saved']));
  checkEq(await page.title(), fill(T['screen.title'], { screen: T['screen.session'] }), 'detail: the document title holds no record text');
  checkEq(await tid('session-concern').count(), 2, 'detail: two concerns');
  checkEq(await tid('session-concern').first().locator('.badge-category').textContent(), T['category.police_conduct'], 'detail: category named from the table');
  checkEq(spaces(await tid('session-participants').textContent()), spaces(fill(T['sessions.participants.other'], { n: 1207 }, L)), `detail: 1207 participants written the ${L} way`);
  const total = spaces(await tid('session-participants').textContent());
  check(lang === 'fr' ? total.startsWith('1 207') : total.startsWith('1,207'), `detail: number grouping of ${L}`, total);
  check((await tid('session-notes').textContent()).includes(rare), 'detail: notes');
  const started = await page.locator('#session-detail dd').first().textContent();
  const wantStarted = fill(T['format.datetime_offset'], {
    datetime: await intlDate(b, L, `${sessionDate}T09:30:00Z`, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }),
    offset: '+01:00',
  });
  checkEq(started, wantStarted, `detail: start time as it was lived, in the ${L} format`);
  check(lang === 'fr' ? /09:30/.test(started) : /9:30\sAM/.test(started), `detail: ${lang === 'fr' ? '24-hour' : '12-hour'} clock`, started);
  const stored = (await b.fetchJson('GET', `/api/sessions/${sid}`)).json;
  const rec = stored && stored.session;
  checkEq(rec && rec.started_at, `${sessionDate}T09:30:00+01:00`, 'stored: started_at with the device offset');
  checkEq(rec && rec.ended_at, `${sessionDate}T12:15:00+01:00`, 'stored: ended_at on the same day');
  check(rec && rec.participants && rec.participants.by_sex && rec.participants.by_sex.female === 1203
    && rec.participants.by_sex.male === 4 && rec.participants.by_group && rec.participants.by_group.youth === 1,
  'stored: participants by sex and group', JSON.stringify(rec && rec.participants));
  checkEq(rec && rec.place && rec.place.country, 'ML', 'stored: country in capitals');
  check(rec && rec.concerns?.length === 2 && rec.agenda?.length === 1 && rec.agreements?.length === 1
    && rec.commitments?.length === 1 && rec.commitments[0].due === due && rec.next_meeting === next
    && rec.concerns[0].raised_by === 'youth',
  'stored: agenda, 2 concerns, agreement, commitment with its due date, next meeting', JSON.stringify(rec).slice(0, 300));
  let draftGone = false;
  for (const end = Date.now() + 10000; Date.now() < end;) {
    const g = (await b.fetchJson('GET', '/api/draft')).json;
    if (g && g.draft === null) { draftGone = true; break; }
    await sleep(200);
  }
  check(draftGone, 'the draft is deleted once the session is saved');
  await checkStrings(b, T, 'session detail');
  await audit(b, 'session detail');
  await b.shot('detail', true);

  phase('search');
  await tid('nav-sessions').click();
  await tid('session-item').first().waitFor();
  if (sessionDate >= newest.started_at.slice(0, 10)) {
    checkEq(await tid('session-item').first().getAttribute('data-id'), sid, 'the new session heads the list');
  } else {
    check(await page.locator(`[data-testid=session-item][data-id="${sid}"]`).count() === 1, 'the new session is in the list');
  }
  await tid('search-box').fill(rare);
  await page.keyboard.press('Enter');
  await checkWait(`searching "${rare}" (a word of the notes) finds exactly one session`, () => page.waitForFunction(
    () => document.querySelectorAll('[data-testid=session-item]').length === 1
      && !document.getElementById('sessions-list').hasAttribute('aria-busy')));
  checkEq(await tid('session-item').first().getAttribute('data-id'), sid, 'search: it is the new session');
  checkEq(await tid('sessions-count').textContent(), fill(T['sessions.count.one'], { n: 1 }, L), 'search: "1 session" from the table');
  const folded = (await b.fetchJson('GET', `/api/sessions?text=${encodeURIComponent(`MENAKA ${rare}`)}`)).json;
  check(folded && folded.total === 1 && folded.sessions[0].id === sid, 'the same search without accents, in capitals, finds it too',
    JSON.stringify(folded).slice(0, 120));
  await b.shot('search');
  await tid('session-item').locator('a').click();
  await tid('session-title').waitFor();
  checkEq(await tid('session-title').textContent(), title, 'the search result opens the session');
  await tid('session-commitment').locator('a').click();
  await tid('commitment-action').waitFor();
  const cid = (await page.evaluate(() => location.hash)).split('/')[2];
  checkEq(await tid('commitment-action').textContent(), action, 'commitment: its action');
  checkEq(await tid('commitment-status').getAttribute('data-column'), 'overdue', 'commitment: overdue (due two days ago)');
  checkEq(await tid('followup-date').inputValue(), today, 'follow-up date defaults to today');
  checkEq(await tid('followup-date').getAttribute('max'), today, 'follow-up date: no day after today');
  await checkStrings(b, T, 'commitment detail');
  await audit(b, 'commitment');
  await b.shot('commitment', true);

  phase('board and follow-up');
  await tid('nav-commitments').click();
  const card = page.locator(`[data-testid=commitment-card][data-id="${cid}"]`);
  await card.waitFor();
  checkEq(await tid('commitment-card').count(), nCommitments + 1, `the board holds the ${nCommitments + 1} commitments`);
  checkEq(await card.getAttribute('data-column'), 'overdue', 'board: the new commitment is in Overdue');
  check(await page.locator(`#col-overdue [data-id="${cid}"]`).count() === 1, 'board: its card sits in the Overdue column');
  const late = fill(T['commitment.days_late.other'], { n: 2 }, L);
  check((await card.textContent()).includes(late), 'board: "2 days late" from the table', await card.textContent());
  await checkStrings(b, T, 'board');
  await audit(b, 'board');
  await b.shot('board-before', true);
  await card.locator('a').click();
  await tid('commitment-action').waitFor();
  await tid('followup-status').selectOption('done');
  await tid('followup-note').fill(lang === 'fr' ? 'Horaires affichés au marché.' : 'Schedule posted at the market.');
  await tid('followup-submit').click();
  await checkWait('follow-up recorded: the commitment is now Done', () => page.waitForFunction(
    () => { const s = document.querySelector('[data-testid=commitment-status]'); return s && s.dataset.column === 'done'; }));
  checkEq(await tid('follow-up').count(), 1, 'the follow-up is listed');
  await checkWait('the "follow-up recorded" message from the table', () => page.waitForFunction((txt) => document.getElementById('status').textContent === txt,
    fill(T['followup.saved'], { status: T['status.done'], column: T['board.col_done'] })));
  const fuDate = await tid('follow-up').locator('.follow-up-date').textContent();
  checkEq(fuDate, await intlDate(b, L, `${today}T00:00:00Z`, { dateStyle: 'long', timeZone: 'UTC' }), `the follow-up date in the ${L} long format`);
  await b.shot('after-followup', true);
  await page.goBack();
  await checkWait('back on the board, the card moved to Done', () => page.waitForFunction((id) => {
    const c = document.querySelector(`#col-done [data-testid=commitment-card][data-id="${id}"]`);
    return c && c.dataset.column === 'done';
  }, cid));
  check(await page.locator(`#col-overdue [data-id="${cid}"]`).count() === 0, 'and left Overdue');
  await b.shot('board-after');

  phase('language switch');
  await tid('lang-switch').selectOption(other);
  await checkWait(`switched to ${other}: the board title is the ${other} table's`, () => page.waitForFunction(
    (txt) => document.getElementById('board-title').textContent === txt, O['board.title']));
  checkEq(await page.evaluate(() => document.documentElement.lang), O.locale, `html lang is now ${O.locale}`);
  checkEq(await page.evaluate(() => localStorage.getItem('palabre.lang')), other, 'the choice is remembered');
  checkEq(JSON.stringify(await page.evaluate(() => Object.keys(localStorage))), '["palabre.lang"]', 'localStorage holds the language only');
  await page.waitForFunction(() => !document.getElementById('board').hasAttribute('aria-busy'));
  await checkStrings(b, O, `board in ${other}`);
  checkEq(await page.title(), fill(O['screen.title'], { screen: O['screen.commitments'] }), `document title in ${other}`);
  await b.shot(`board-in-${other}`);
  await tid('lang-switch').selectOption(lang);
  await checkWait(`back to ${lang}`, () => page.waitForFunction((txt) => document.getElementById('board-title').textContent === txt, T['board.title']));
  await page.waitForFunction(() => !document.getElementById('board').hasAttribute('aria-busy'));
  await checkStrings(b, T, `board in ${lang} again`);

  phase('lock');
  await tid('lock-button').click();
  await tid('passphrase').waitFor({ state: 'visible' });
  checkEq(await visibleScreen(b), 'screen-unlock', 'Lock: back to the unlock screen');
  checkEq(await tid('unlock-reason').textContent(), T['unlock.reason_user'], 'Lock: the reason from the table');
  const left = await page.evaluate((words) => {
    const values = Array.from(document.querySelectorAll('input, textarea')).map((e) => e.value).join('\n');
    const text = document.body.textContent;
    return {
      cards: document.querySelectorAll('[data-testid=commitment-card], [data-testid=session-item]').length,
      details: document.querySelectorAll('#session-detail *, #commitment-detail *').length,
      words: words.filter((w) => text.includes(w) || values.includes(w)),
    };
  }, [rare, title, action]);
  check(left.cards === 0 && left.details === 0 && left.words.length === 0,
    'Lock: no record is left in the page (lists, details, form, texts)', JSON.stringify(left));
  const st = (await b.fetchJson('GET', '/api/state')).json;
  checkEq(st && st.locked, true, 'Lock: GET /api/state says locked');
  b.expect('GET', /^\/api\/sessions$/, 423);
  const after = await b.fetchJson('GET', '/api/sessions');
  check(after.status === 423 && after.json?.error?.code === 'locked', 'Lock: GET /api/sessions answers 423 locked', JSON.stringify(after));
  await checkStrings(b, T, 'locked');
  await b.shot('locked');

  // Destroying the records needs no unlock (a checkpoint), only the word.
  phase('wipe');
  await tid('unlock-wipe-link').click();
  await tid('wipe-word').waitFor({ state: 'visible' });
  checkEq(await visibleScreen(b), 'screen-wipe', 'Wipe: reached from the unlock screen, locked');
  checkEq(await page.locator('#wipe-label').textContent(), fill(T['wipe.confirm_label'], { word: T['wipe.word'] }),
    'Wipe: the word to type, from the table');
  await checkStrings(b, T, 'wipe');
  await audit(b, 'wipe');
  await tid('wipe-word').fill('NO');
  check(await tid('wipe-button').isDisabled(), 'Wipe: another word leaves the button disabled');
  // Typed as a phone keyboard might: lower case, without accents.
  const typed = T['wipe.word'].normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  await tid('wipe-word').fill(typed);
  check(!(await tid('wipe-button').isDisabled()), `Wipe: "${typed}" enables the button`);
  check(fs.existsSync(path.join(server.vault, 'keys')), 'Wipe: the vault is still there before the button');
  await b.shot('wipe');
  await tid('wipe-button').click();
  await tid('screen-wiped').waitFor({ state: 'visible' });
  checkEq(await visibleScreen(b), 'screen-wiped', 'Wipe: the page says the records were destroyed');
  check(!fs.existsSync(path.join(server.vault, 'keys')) && !fs.existsSync(path.join(server.vault, 'palabre.db')),
    'Wipe: the keys file and the database are gone from the disk');
  await checkStrings(b, T, 'wiped');
  await b.shot('wiped');
  b.expect('POST', /^\/api\/unlock$/, 404);
  const csrfNow = (await b.fetchJson('GET', '/api/state')).json?.csrf;
  const gone = await b.fetchJson('POST', '/api/unlock', csrfNow, { passphrase });
  checkEq(gone.status, 404, 'Wipe: unlocking afterwards finds no vault');

  const reqs = b.requests.filter((r) => r.url.includes(passphrase));
  check(reqs.length === 0, 'the passphrase is in no request address');
  return { sid, cid };
}

// ------------------------------------------------------------------ refusals

// The security headers of docs/ui-api.md, each sent exactly once with
// exactly its value. `pairs`: [[name, value], ...] as sent.
const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

// Problems with the values ("missing", or another value), and the headers
// sent more than once (apart: a repeated header is one server fault, however
// many answers show it).
function headerProblems(pairs) {
  const values = [];
  const repeated = [];
  for (const [name, want] of Object.entries(SECURITY_HEADERS)) {
    const got = pairs.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
    if (got.length === 0) values.push(`${name} missing`);
    else if (got.some((v) => v !== want)) values.push(`${name}: ${got.join(' / ')}`);
    if (got.length > 1) repeated.push(`${name} x${got.length}`);
  }
  return { values, repeated };
}

// Answers (from node) whose security headers came more than once.
const repeatedHeaders = [];

function checkHeaders(res, what) {
  const pairs = [];
  for (let i = 0; i + 1 < res.raw.length; i += 2) pairs.push([res.raw[i], res.raw[i + 1]]);
  const p = headerProblems(pairs);
  if (p.repeated.length) repeatedHeaders.push(`${res.status} ${what}: ${p.repeated.join(', ')}`);
  return check(p.values.length === 0, `${what}: the exact CSP, nosniff, no-referrer, no-store`, p.values.join('; '));
}

function checkRefused(res, status, code, what) {
  const ok = res.status === status && res.json && res.json.error && res.json.error.code === code
    && typeof res.json.error.message === 'string' && /application\/json/.test(res.headers['content-type'] || '');
  check(ok, `${what}: ${status} ${code}`, ok ? '' : `${res.status} ${res.text.slice(0, 160)}`);
  checkHeaders(res, `${what} (refused)`);
}

async function runRefusals(opts, server, b, passphrase, examples) {
  const T = JSON.parse(fs.readFileSync(path.join(I18N_DIR, `${opts.lang}.json`), 'utf8'));
  const L = T.locale;
  const page = b.page;
  const tid = (id) => b.tid(id);
  const port = server.port;
  const nSessions = examples.sessions.length;

  phase('token exchange and wrong passphrase');
  const nav = await page.goto(server.url);
  const redirect = nav && nav.request().redirectedFrom();
  const first = redirect && (await redirect.response());
  if (first) {
    const h = await first.allHeaders();
    checkEq(first.status(), 303, 'the token link answers 303');
    checkEq(h.location, '/', 'and sends the browser to /');
    const cookie = h['set-cookie'] || '';
    check(/^palabre_ui=[0-9a-f]{64};/.test(cookie) && /HttpOnly/.test(cookie) && /SameSite=Strict/.test(cookie) && /Path=\//.test(cookie),
      'the session cookie is HttpOnly, SameSite=Strict, Path=/', cookie.replace(/=[0-9a-f]{64}/, '=…'));
    const p303 = headerProblems((await first.headersArray()).map((x) => [x.name, x.value]));
    check(p303.values.length === 0 && p303.repeated.length === 0, 'the 303 carries the exact CSP, nosniff, no-referrer, no-store, once each',
      p303.values.concat(p303.repeated).join('; '));
  } else {
    check(false, 'the token link answers with a redirect', nav ? String(nav.status()) : 'no response');
  }
  await unlockScreenChecks(b, T, opts.lang);
  await b.shot('unlock');
  await wrongPassphrase(b, T);
  await b.shot('unlock-wrong-passphrase');

  phase('refusals from node, with the browser\'s cookie');
  const cookies = await b.context.cookies(server.origin);
  const c = cookies.find((x) => x.name === 'palabre_ui');
  check(c && c.httpOnly && c.sameSite === 'Strict', 'the browser holds the palabre_ui cookie, HttpOnly and SameSite=Strict', JSON.stringify(c && { httpOnly: c.httpOnly, sameSite: c.sameSite }));
  if (!c) throw new Error('no session cookie: cannot go on');
  const cookie = `palabre_ui=${c.value}`;
  check(!(await page.evaluate(() => document.cookie)).includes('palabre_ui'), 'the page\'s script cannot read the cookie');
  const stateRes = await request(port, 'GET', '/api/state', { Cookie: cookie });
  checkEq(stateRes.status, 200, 'GET /api/state with the cookie: 200');
  checkHeaders(stateRes, 'GET /api/state');
  const csrf = stateRes.json && stateRes.json.csrf;
  check(/^[0-9a-f]{64}$/.test(csrf || ''), 'the state gives a CSRF value (64 hex)', String(csrf));
  checkEq(stateRes.json && stateRes.json.locked, true, 'the vault is locked after the wrong passphrase');
  checkEq(stateRes.json && stateRes.json.idle_lock_seconds, 4, 'the state says idle_lock_seconds 4');
  const wrong = csrf.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
  const sessionBody = JSON.stringify(examples.sessions[0]);

  for (const [m, p, body] of [['POST', '/api/lock', '{}'], ['POST', '/api/sessions', sessionBody],
    ['POST', '/api/unlock', JSON.stringify({ passphrase })], ['PUT', '/api/draft', '{"draft":{"title":"x"}}'],
    ['DELETE', '/api/draft', undefined]]) {
    checkRefused(await request(port, m, p, { Cookie: cookie }, body), 403, 'csrf', `${m} ${p} without X-Palabre-CSRF`);
    checkRefused(await request(port, m, p, { Cookie: cookie, 'X-Palabre-CSRF': wrong }, body), 403, 'csrf', `${m} ${p} with a wrong X-Palabre-CSRF`);
  }
  checkEq((await request(port, 'GET', '/api/state', { Cookie: cookie })).json?.locked, true, 'the refused unlock left the vault locked');

  for (const host of [`evil.example:${port}`, `localhost:${port}`, '127.0.0.1', `127.0.0.1:${port + 1}`, `[::1]:${port}`]) {
    checkRefused(await request(port, 'GET', '/api/state', { Cookie: cookie, Host: host }), 403, 'bad_host', `GET /api/state with Host ${host}`);
  }
  checkRefused(await request(port, 'POST', '/api/lock', { Cookie: cookie, 'X-Palabre-CSRF': csrf, Host: `evil.example:${port}` }, '{}'),
    403, 'bad_host', 'POST /api/lock with the right CSRF but Host evil.example');
  checkRefused(await request(port, 'GET', `/?token=${server.token}`, { Host: `evil.example:${port}` }), 403, 'bad_host', 'the token link with Host evil.example');

  checkRefused(await request(port, 'GET', '/api/sessions'), 401, 'unauthenticated', 'GET /api/sessions without the cookie');
  checkRefused(await request(port, 'GET', '/api/state'), 401, 'unauthenticated', 'GET /api/state without the cookie');
  checkRefused(await request(port, 'GET', '/'), 401, 'unauthenticated', 'GET / without the cookie');
  checkRefused(await request(port, 'GET', '/api/sessions', { Cookie: `palabre_ui=${'0'.repeat(64)}` }), 401, 'unauthenticated', 'GET /api/sessions with a made-up cookie');
  checkRefused(await request(port, 'POST', '/api/unlock', { 'X-Palabre-CSRF': csrf }, JSON.stringify({ passphrase })), 401, 'unauthenticated', 'POST /api/unlock with the CSRF value but no cookie');

  checkRefused(await request(port, 'GET', `/?token=${server.token}`), 403, 'bad_token', 'the used token link again');
  checkRefused(await request(port, 'GET', `/?token=${'ab'.repeat(32)}`), 403, 'bad_token', 'a made-up token');

  for (const p of ['/', '/app.js', '/app.css', '/api/i18n/en', '/api/vocabulary']) {
    const r = await request(port, 'GET', p, { Cookie: cookie });
    checkEq(r.status, 200, `GET ${p} with the cookie: 200`);
    checkHeaders(r, `GET ${p}`);
  }
  checkRefused(await request(port, 'GET', '/nowhere.html', { Cookie: cookie }), 404, 'not_found', 'GET /nowhere.html');
  checkRefused(await request(port, 'GET', '/api/sessions', { Cookie: cookie }), 423, 'locked', 'GET /api/sessions while locked');
  check(repeatedHeaders.length === 0, 'every answer above sends each security header once',
    repeatedHeaders.length ? `${repeatedHeaders.length} answers repeat them, e.g. ${repeatedHeaders.slice(0, 3).join(' | ')}` : '');

  phase('a lock behind the page\'s back');
  await unlock(b, passphrase);
  await tid('session-item').first().waitFor();
  // At once: the page itself locks 4.5 s after its last call.
  const locked = await request(port, 'POST', '/api/lock', { Cookie: cookie, 'X-Palabre-CSRF': csrf }, '{}');
  checkEq(await tid('session-item').count(), nSessions, `unlocked in the browser: ${nSessions} sessions (the refused POSTs added none)`);
  await b.shot('sessions-then-locked-from-node');
  check(locked.status === 200 && locked.json?.locked === true, 'POST /api/lock from node with the right CSRF: locked', `${locked.status} ${locked.text}`);
  checkHeaders(locked, 'POST /api/lock');
  b.expect('GET', /^\/api\/commitments$/, 423);
  await tid('nav-commitments').click();
  await checkWait('the next call answers 423 and the page shows the unlock screen', () => tid('passphrase').waitFor({ state: 'visible' }));
  checkEq(await tid('unlock-reason').textContent(), T['unlock.reason_locked'], '423: the reason from the table');
  checkEq(await page.locator('[data-testid=commitment-card], [data-testid=session-item]').count(), 0, '423: the page dropped the records');
  await b.shot('locked-behind-its-back');

  phase('idle lock seen by the page');
  await unlock(b, passphrase);
  await tid('board').waitFor();
  await page.locator('[data-testid=commitment-card]').first().waitFor();
  const unlockedAt = Date.now();
  const lockRequestsBefore = b.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/lock')).length;
  let serverLockedAt = 0;
  let pageLockedAt = 0;
  const deadline = Date.now() + 4000 + 20000;
  while (Date.now() < deadline && !(serverLockedAt && pageLockedAt)) {
    if (!serverLockedAt) {
      const s = await request(port, 'GET', '/api/state', { Cookie: cookie });
      if (s.json && s.json.locked === true) serverLockedAt = Date.now();
    }
    if (!pageLockedAt && (await visibleScreen(b)) === 'screen-unlock') pageLockedAt = Date.now();
    await sleep(100);
  }
  check(pageLockedAt > 0, 'the page went back to its unlock screen by itself', pageLockedAt ? `${pageLockedAt - unlockedAt} ms after the board loaded` : 'not within 24 s');
  check(serverLockedAt > 0, 'GET /api/state says locked', serverLockedAt ? `${serverLockedAt - unlockedAt} ms after the board loaded` : 'not within 24 s');
  check(pageLockedAt - unlockedAt >= 3500, 'not before the idle limit (4 s)', `${pageLockedAt - unlockedAt} ms`);
  const pageLock = b.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/api/lock')).slice(lockRequestsBefore);
  info(`server locked ${serverLockedAt - unlockedAt} ms, page ${pageLockedAt - unlockedAt} ms after the board loaded; the page sent POST /api/lock ${pageLock.length ? `${pageLock[0].at - unlockedAt} ms after` : 'not at all'}`);
  checkEq(await tid('unlock-reason').textContent(), fill(T['unlock.reason_idle.one'], { n: 1 }, L), 'idle: the reason from the table');
  checkEq(await page.locator('[data-testid=commitment-card]').count(), 0, 'idle: the page dropped the board');
  checkRefused(await request(port, 'GET', '/api/sessions', { Cookie: cookie }), 423, 'locked', 'GET /api/sessions after the idle lock');
  checkRefused(await request(port, 'GET', '/api/commitments', { Cookie: cookie }), 423, 'locked', 'GET /api/commitments after the idle lock');
  await b.shot('idle-locked');

  phase('idle lock by the server alone');
  // Unlocked from node, the page on its unlock screen sends nothing: only
  // the server's own clock can lock it. GET /api/state is no use of the vault.
  const browserRequestsBefore = b.requests.length;
  const un = await request(port, 'POST', '/api/unlock', { Cookie: cookie, 'X-Palabre-CSRF': csrf }, JSON.stringify({ passphrase }));
  check(un.status === 200 && un.json?.locked === false, 'POST /api/unlock from node: unlocked', `${un.status} ${un.text}`);
  const t0 = Date.now();
  const list = await request(port, 'GET', '/api/sessions?limit=1', { Cookie: cookie });
  check(list.status === 200 && list.json?.total === nSessions, 'a use of the vault right after: 200', `${list.status}`);
  const t1 = Date.now();
  let lockedAfter = 0;
  while (Date.now() - t1 < 4000 + 20000) {
    const s = await request(port, 'GET', '/api/state', { Cookie: cookie });
    if (s.json && s.json.locked === true) { lockedAfter = Date.now() - t1; break; }
    await sleep(100);
  }
  check(lockedAfter >= 3700 && lockedAfter <= 4000 + 3000, 'the server locked by itself about 4 s after the last use',
    lockedAfter ? `${lockedAfter} ms (unlock to use: ${t1 - t0} ms)` : 'not within 24 s');
  checkRefused(await request(port, 'GET', '/api/sessions', { Cookie: cookie }), 423, 'locked', 'GET /api/sessions after the server\'s idle lock');
  checkEq(b.requests.length, browserRequestsBefore, 'meanwhile the page on its unlock screen made no request');

  phase('the browser enforces the CSP');
  // In a context of its own, so that its deliberate foreign image is not
  // counted with the app's requests. Without a cookie: the 401 answer is
  // enough, it carries the CSP like every other.
  const probeContext = await b.browser.newContext();
  const probe = await probeContext.newPage();
  await probe.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
  });
  await probe.goto(`${server.origin}/app.css`);
  const probed = await probe.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1;';
    document.head.append(s);
    const img = new Image();
    img.src = 'http://example.invalid/x.png';
    document.body.append(img);
    await new Promise((r) => setTimeout(r, 300));
    return { inline: window.__inline === 1, violations: window.__violations.slice() };
  });
  check(!probed.inline && probed.violations.includes('script-src-elem'), 'an inline script is blocked, and the violation listener hears it', JSON.stringify(probed));
  check(probed.violations.includes('img-src'), 'an image from another host is blocked', JSON.stringify(probed.violations));
  await probeContext.close();

  phase('a page whose cookie is gone');
  await b.context.clearCookies();
  b.expect('POST', /^\/api\/unlock$/, 401);
  await tid('passphrase').fill(passphrase);
  await tid('unlock-button').click();
  await checkWait('401: the page shows its "ended" screen', () => tid('screen-ended').waitFor({ state: 'visible' }));
  checkEq(await page.locator('#ended-title').textContent(), T['ended.title'], '401: the ended title from the table');
  await checkStrings(b, T, 'ended screen');
  await b.shot('ended');
  checkEq(b.requests.filter((r) => r.url.includes(passphrase)).length, 0, 'the passphrase is in no request address');
}

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const shotDir = path.join(opts.out, opts.case === 'flow' ? opts.lang : `refusals-${opts.lang}`);
  fs.mkdirSync(shotDir, { recursive: true });
  for (const f of fs.readdirSync(shotDir)) if (f.endsWith('.png')) fs.rmSync(path.join(shotDir, f));
  console.log(`palabre ui browser test: case ${opts.case}, ${opts.lang}; screenshots in ${shotDir}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'palabre-ui-browser-'));
  const env = Object.assign({}, process.env, {
    HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'data'), XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_STATE_HOME: path.join(tmp, 'state'),
  });
  delete env.PALABRE_VAULT;
  const vault = path.join(tmp, 'vault');
  const passphrase = `correct horse ${crypto.randomBytes(9).toString('hex')}`;
  let server = null;
  let b = null;
  let broke = null;
  try {
    phase('vault');
    const examples = exampleSessions(opts.examples);
    if (!examples.files.length) throw new Error(`no *.json in ${opts.examples}`);
    const cliOut = await makeVault(opts, env, vault, passphrase, examples.files);
    check(!cliOut.includes(passphrase), 'palabre never prints the passphrase');

    phase('server');
    server = new UiServer(opts, env, vault, opts.case === 'flow' ? 300 : 4);
    await server.start();
    check(/^[0-9a-f]{64}$/.test(server.token), 'palabre ui prints its link with a 32-byte token', server.url.replace(/token=.*/, 'token=…'));
    info(`listening on ${server.origin}`);

    b = new Browser(server, opts.lang, shotDir);
    await b.open();
    if (opts.case === 'flow') await runFlow(opts, server, b, passphrase, examples);
    else await runRefusals(opts, server, b, passphrase, examples);

    phase('end');
    await b.finalChecks();
    await b.close();
    const exit = await server.stop();
    check(exit && exit.code === 0, 'palabre ui stops on SIGTERM with exit code 0', JSON.stringify(exit));
    check(/palabre ui: stopped, vault locked/.test(server.stdout), 'and says the vault was locked', server.stdout.split('\n').slice(-2).join(' '));
    check(!(server.stdout + server.stderr).includes(passphrase), 'palabre ui never prints the passphrase');
  } catch (e) {
    broke = e;
  } finally {
    phase('');
    if (b) await b.close();
    if (server && !server.exit) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  console.log('\ntimings:');
  for (const [name, ms] of phases) console.log(`  ${name.padEnd(44)} ${(ms / 1000).toFixed(1)} s`);
  console.log(`  ${'total'.padEnd(44)} ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  if (broke) {
    console.log(`\nBROKEN after ${results.length} checks (${failed.length} failed): ${broke && broke.stack ? broke.stack : broke}`);
    if (server) console.log(`palabre ui output:\n${server.stdout}${server.stderr}`);
    return 2;
  }
  console.log(`\n${results.length - failed.length}/${results.length} checks passed (case ${opts.case}, ${opts.lang}); screenshots in ${shotDir}`);
  for (const f of failed) console.log(`  FAILED: ${f.name}`);
  return failed.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.log(`BROKEN: ${e && e.stack ? e.stack : e}`);
  process.exit(2);
});
