/*
 * palabre ui: the page's only script. Plain JavaScript, no build step.
 *
 * Rules kept throughout (docs/ui-api.md):
 * - The Content-Security-Policy allows no inline script or style and no
 *   eval: the DOM is built with createElement/textContent (record text is
 *   hostile input), styles change only through classes and `hidden`.
 * - Every visible text comes from the string table (GET /api/i18n/<lang>),
 *   through t()/tn() or the data-i18n* attributes of index.html.
 * - 423 `locked`: every record held in memory or on screen is dropped and the
 *   unlock screen shown. 401 `unauthenticated`: the page's session is over.
 * - Nothing about records goes to localStorage, the URL or document.title
 *   (the browser keeps those on disk): only the language choice is stored.
 */
'use strict';

(() => {
  const LANG_KEY = 'palabre.lang';
  const FORMAT = 'palabre.session/1';
  const DRAFT_DELAY_MS = 1000;
  const SEARCH_DELAY_MS = 400;
  const STATUS_CLEAR_MS = 10000;
  const MAX_COUNT = 1000000;
  // Polling a running sync: often on its screen, seldom elsewhere (only so
  // that the page knows when it ends, and does not lock itself meanwhile).
  const SYNC_POLL_MS = 700;
  const SYNC_POLL_AWAY_MS = 3000;
  // Sessions read for the place suggestions of the report and brief forms.
  const PLACES_LIMIT = 1000;

  // Used only if GET /api/vocabulary fails; the server's lists win.
  const FALLBACK_VOCABULARY = {
    kinds: ['community_dialogue', 'security_advisory_committee', 'perception_survey',
      'hybrid_justice_hearing', 'training', 'other'],
    groups: ['security_forces', 'local_authority', 'traditional_leaders', 'religious_leaders',
      'cso', 'youth', 'womens_groups', 'idps', 'persons_with_disabilities', 'media',
      'private_sector', 'other'],
    categories: ['police_conduct', 'armed_groups', 'gender_based_violence', 'land_dispute',
      'intercommunal_conflict', 'corruption', 'justice_access', 'detention', 'displacement',
      'youth_unemployment', 'trafficking', 'misinformation', 'hrd_safety', 'service_delivery',
      'other'],
    sexes: ['female', 'male', 'other', 'undisclosed'],
    ages: ['under_18', '18_35', '36_plus', 'undisclosed'],
    attributions: ['chatham_house', 'on_record', 'closed'],
    statuses: ['open', 'in_progress', 'done', 'dropped', 'blocked'],
  };

  // Participant dimensions: record key, vocabulary list, string-table prefix.
  const DIMENSIONS = [
    { key: 'by_sex', list: 'sexes', prefix: 'sex', open: true },
    { key: 'by_age', list: 'ages', prefix: 'age', open: false },
    { key: 'by_group', list: 'groups', prefix: 'group', open: false },
  ];

  // Countries palabre serves today, offered as suggestions (any code works).
  const SUGGESTED_COUNTRIES = ['ML', 'NE', 'IQ', 'GE', 'BF', 'TD'];

  const SCREENS = ['boot', 'fatal', 'ended', 'unlock', 'sessions', 'session', 'new',
    'commitments', 'commitment', 'report', 'brief', 'sync', 'notfound', 'wipe', 'wiped'];

  const app = {
    state: null,
    csrf: '',
    today: '',
    idleSeconds: 0,
    languages: ['en', 'fr'],
    lang: 'en',
    strings: {},
    tables: new Map(),
    vocab: FALLBACK_VOCABULARY,
    unlocked: false,
    ended: false,
    wiped: false,
    gen: 0, // bumped whenever held data must be forgotten
    lastApi: 0,
    idleTimer: 0,
    statusTimer: 0,
    statusKeep: false, // keep the status message through the next navigation
    lockReason: '',
    route: null,
    filters: {},
    searchTimer: 0,
    listSeq: 0,
    current: null, // the commitment shown on #/commitments/<id>
    form: null,
    report: null,
    brief: null,
    sync: null,
    places: null, // [{country, region, commune}] of the sessions, newest first
    placesSeq: 0,
    uid: 0,
  };

  const $ = (id) => document.getElementById(id);

  function newFormState() {
    return {
      loaded: false, dirty: false, timer: 0, saving: false, hasDraft: false,
      queue: Promise.resolve(),
    };
  }
  app.form = newFormState();

  // The report's applied filters; `seq` drops answers that came too late.
  function newReportState() {
    return { filters: {}, seq: 0 };
  }

  // The brief's place once asked for (shown again on coming back).
  function newBriefState() {
    return { filter: null, seq: 0 };
  }

  // What the page knows of the sync; `running` as last polled.
  function newSyncState() {
    return { timer: 0, seq: 0, running: false, starting: false };
  }
  app.report = newReportState();
  app.brief = newBriefState();
  app.sync = newSyncState();

  // ---------------------------------------------------------------- DOM

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') el.className = v;
        else if (k === 'text') el.textContent = v;
        else if (k === 'i18n') el.dataset.i18n = v;
        else if (k === 'args') el.dataset.i18nArgs = JSON.stringify(v);
        else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
        else if (v === true) el.setAttribute(k, '');
        else el.setAttribute(k, String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function uid(prefix) {
    app.uid += 1;
    return `${prefix}-${app.uid}`;
  }

  // ---------------------------------------------------------------- strings

  const reported = new Set();

  function has(key) {
    return typeof app.strings[key] === 'string';
  }

  // t('key', {name: value}): the text of key with {name} filled in. Numbers
  // are formatted for the language; a value "@key" is itself translated.
  function t(key, vars) {
    let s = app.strings[key];
    if (typeof s !== 'string') {
      if (!reported.has(key)) {
        reported.add(key);
        console.warn(`palabre: no string for "${key}"`);
      }
      s = key;
    }
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, (m, name) => {
        if (!Object.prototype.hasOwnProperty.call(vars, name)) return m;
        const v = vars[name];
        if (typeof v === 'number') return fmtNum(v);
        if (typeof v === 'string' && v.startsWith('@')) return t(v.slice(1));
        return String(v);
      });
    }
    return s;
  }

  // tn('base', n): base.one / base.other ... by the language's plural rules.
  function tn(base, n, vars) {
    let rule = 'other';
    try {
      rule = new Intl.PluralRules(locale()).select(n);
    } catch (e) { /* keep other */ }
    const key = has(`${base}.${rule}`) ? `${base}.${rule}` : `${base}.other`;
    return t(key, Object.assign({ n }, vars || {}));
  }

  // The name of a vocabulary code; the code itself when the table lacks it
  // (a record from a newer palabre).
  function vname(prefix, code) {
    if (!code) return '';
    return has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : String(code);
  }

  function locale() {
    return app.strings.locale || app.lang || 'en';
  }

  function argsOf(el) {
    const a = el.dataset.i18nArgs;
    if (!a) return undefined;
    try {
      return JSON.parse(a);
    } catch (e) {
      return undefined;
    }
  }

  function applyStrings(root) {
    const scope = root || document;
    const all = (sel) => {
      const list = Array.from(scope.querySelectorAll(sel));
      if (scope !== document && scope.matches && scope.matches(sel)) list.push(scope);
      return list;
    };
    for (const el of all('[data-i18n]')) el.textContent = t(el.dataset.i18n, argsOf(el));
    for (const attr of ['placeholder', 'aria-label', 'title']) {
      for (const el of all(`[data-i18n-${attr}]`)) {
        el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`), argsOf(el)));
      }
    }
  }

  // ---------------------------------------------------------------- formats

  let fmtCache = {};

  function formatter(name, make) {
    if (!fmtCache[name]) fmtCache[name] = make();
    return fmtCache[name];
  }

  function fmtNum(n) {
    return formatter('num', () => new Intl.NumberFormat(locale())).format(n);
  }

  function parseDate(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typeof s === 'string' ? s : '');
    if (!m) return null;
    return Date.UTC(+m[1], +m[2] - 1, +m[3]);
  }

  // A YYYY-MM-DD date as the language writes it.
  function fmtDate(s, style) {
    const ms = parseDate(s);
    if (ms === null) return typeof s === 'string' ? s : '';
    const st = style || 'medium';
    return formatter(`date-${st}`, () => new Intl.DateTimeFormat(locale(),
      { dateStyle: st, timeZone: 'UTC' })).format(new Date(ms));
  }

  // An RFC 3339 time as it was lived: its own clock time and offset (not
  // converted to this browser's zone).
  function fmtDateTime(s) {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?$/
      .exec(typeof s === 'string' ? s : '');
    if (!m) return typeof s === 'string' ? s : '';
    const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    const text = formatter('datetime', () => new Intl.DateTimeFormat(locale(),
      { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })).format(new Date(ms));
    if (!m[6]) return text;
    const offset = /z/i.test(m[6]) ? '+00:00' : m[6];
    return t('format.datetime_offset', { datetime: text, offset });
  }

  function fmtTime(s) {
    const m = /^(?:\d{4}-\d{2}-\d{2}[Tt ])?(\d{2}):(\d{2})/.exec(typeof s === 'string' ? s : '');
    if (!m) return '';
    return formatter('time', () => new Intl.DateTimeFormat(locale(),
      { timeStyle: 'short', timeZone: 'UTC' })).format(new Date(Date.UTC(2000, 0, 1, +m[1], +m[2])));
  }

  // A moment (Unix ms or RFC 3339) in this browser's own clock.
  function fmtLocalClock(v) {
    const d = typeof v === 'number' ? new Date(v) : new Date(String(v || ''));
    if (Number.isNaN(d.getTime())) return '';
    return formatter('clock', () => new Intl.DateTimeFormat(locale(),
      { timeStyle: 'short' })).format(d);
  }

  function countryName(code) {
    if (typeof code !== 'string' || !/^[A-Za-z]{2}$/.test(code)) return code || '';
    try {
      const names = formatter('regions', () => new Intl.DisplayNames([locale()], { type: 'region' }));
      return names.of(code.toUpperCase()) || code;
    } catch (e) {
      return code;
    }
  }

  function languageName(code) {
    try {
      const name = new Intl.DisplayNames([code], { type: 'language' }).of(code);
      if (name && name !== code) return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
    } catch (e) { /* the code itself */ }
    return code;
  }

  function placeText(p) {
    const parts = [];
    for (const v of [p.commune, p.region]) {
      if (typeof v === 'string' && v && !parts.includes(v)) parts.push(v);
    }
    if (p.country) parts.push(countryName(p.country));
    return parts.join(', ');
  }

  function daysBetween(from, to) {
    const a = parseDate(from);
    const b = parseDate(to);
    if (a === null || b === null) return 0;
    return Math.round((b - a) / 86400000);
  }

  // ---------------------------------------------------------------- status

  // Say `text` in the live region; visible: false for what the screen
  // already shows elsewhere (only screen readers need to hear it).
  function announce(text, visible) {
    if (visible === false) {
      const sr = $('sr-status');
      sr.textContent = '';
      window.setTimeout(() => { sr.textContent = text; }, 50);
      return;
    }
    const el = $('status');
    clearTimeout(app.statusTimer);
    el.textContent = '';
    // A fresh node so that the same text twice is read twice.
    window.setTimeout(() => {
      el.textContent = text;
      app.statusTimer = window.setTimeout(() => { el.textContent = ''; }, STATUS_CLEAR_MS);
    }, 50);
  }

  function setAlert(el, text) {
    el.textContent = text || '';
  }

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message || code);
      this.status = status;
      this.code = code;
      this.serverMessage = message || '';
    }
  }

  // The one door to the server. Errors come back as ApiError; `locked` and
  // `unauthenticated` are also acted upon here, once for the whole page.
  async function api(method, path, body, retried) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      headers['X-Palabre-CSRF'] = app.csrf;
      headers['Content-Type'] = 'application/json';
    }
    const init = { method, credentials: 'same-origin', headers, cache: 'no-store' };
    if (body !== undefined) init.body = JSON.stringify(body);
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', '');
    }
    let data = null;
    try {
      const text = await res.text();
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (res.ok) {
      noteActivity();
      return data && typeof data === 'object' ? data : {};
    }
    const err = data && typeof data === 'object' && data.error && typeof data.error === 'object'
      ? data.error : {};
    const code = typeof err.code === 'string' ? err.code : `http_${res.status}`;
    const message = typeof err.message === 'string' ? err.message : '';
    if (res.status === 423 || code === 'locked') {
      onLocked('locked');
    } else if (res.status === 401 && code === 'unauthenticated') {
      onSessionEnded();
    } else if (res.status === 403 && code === 'csrf' && !retried && method !== 'GET') {
      // The CSRF value may have changed (a new cookie): fetch it and try once more.
      if (await refreshState()) return api(method, path, body, true);
    }
    throw new ApiError(res.status, code, message);
  }

  function isHandled(e) {
    return e instanceof ApiError && (e.code === 'locked' || e.code === 'unauthenticated');
  }

  function errorText(e) {
    if (!(e instanceof ApiError)) return t('error.unknown', { code: String(e && e.message) });
    if (has(`error.${e.code}`)) return t(`error.${e.code}`);
    return t('error.unknown', { code: e.code });
  }

  async function refreshState() {
    try {
      const res = await fetch('/api/state', {
        credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store',
      });
      if (res.status === 401) {
        onSessionEnded();
        return false;
      }
      if (!res.ok) return false;
      const s = await res.json();
      takeState(s);
      return true;
    } catch (e) {
      return false;
    }
  }

  function takeState(s) {
    if (!s || typeof s !== 'object') return;
    app.state = s;
    if (typeof s.csrf === 'string') app.csrf = s.csrf;
    if (typeof s.today === 'string') app.today = s.today;
    if (typeof s.idle_lock_seconds === 'number') app.idleSeconds = s.idle_lock_seconds;
    if (Array.isArray(s.languages) && s.languages.length) {
      app.languages = s.languages.filter((l) => typeof l === 'string' && /^[a-z-]{2,16}$/.test(l));
    }
  }

  // ---------------------------------------------------------------- idle lock

  // The server locks after idle_lock_seconds without a request; the page
  // follows so that no record stays on screen after the vault is locked.
  function noteActivity() {
    app.lastApi = Date.now();
    scheduleIdle();
  }

  function scheduleIdle() {
    clearTimeout(app.idleTimer);
    if (!app.unlocked || !(app.idleSeconds > 0)) return;
    const left = app.lastApi + app.idleSeconds * 1000 - Date.now();
    app.idleTimer = window.setTimeout(checkIdle, Math.max(0, left) + 500);
  }

  function checkIdle() {
    if (!app.unlocked || !(app.idleSeconds > 0)) return;
    if (Date.now() - app.lastApi < app.idleSeconds * 1000) {
      scheduleIdle();
      return;
    }
    lockNow('idle');
  }

  async function lockNow(reason) {
    const wasUnlocked = app.unlocked;
    onLocked(reason);
    if (!wasUnlocked && reason !== 'user') return;
    try {
      await api('POST', '/api/lock', {});
    } catch (e) { /* already locked, or gone: the page is locked anyway */ }
  }

  // Forget everything, show the unlock screen.
  function onLocked(reason) {
    if (app.ended) return;
    const was = app.unlocked;
    app.unlocked = false;
    app.gen += 1;
    clearTimeout(app.idleTimer);
    if (was || !app.lockReason) app.lockReason = reason || '';
    forgetData();
    showUnlock(true);
  }

  function onSessionEnded() {
    if (app.ended) return;
    app.ended = true;
    app.unlocked = false;
    app.gen += 1;
    clearTimeout(app.idleTimer);
    forgetData();
    showScreen('ended', true);
  }

  function forgetData() {
    clearTimeout(app.form.timer);
    clearTimeout(app.searchTimer);
    app.form = newFormState();
    app.filters = {};
    app.current = null;
    app.listSeq += 1;
    // Sessions list and search.
    $('search-form').reset();
    $('filters').hidden = true;
    $('filters-toggle').setAttribute('aria-expanded', 'false');
    $('filters-active').hidden = true;
    clear($('sessions-list'));
    $('sessions-count').textContent = '';
    $('sessions-empty').hidden = true;
    setAlert($('sessions-error'), '');
    // Details.
    clear($('session-detail'));
    setAlert($('session-error'), '');
    clear($('commitment-detail'));
    setAlert($('commitment-error'), '');
    $('followup-section').hidden = true;
    $('followup-form').reset();
    setAlert($('followup-error'), '');
    // Board.
    for (const col of ['open', 'overdue', 'done']) {
      clear($(`col-${col}`));
      $(`col-${col}-count`).textContent = '';
    }
    $('board-jump').hidden = true;
    $('board-empty').hidden = true;
    setAlert($('board-error'), '');
    // The session form.
    resetForm();
    // Report, brief, sync and the place suggestions (places are record text).
    forgetFigures();
    // Status messages may quote a record.
    clearTimeout(app.statusTimer);
    $('status').textContent = '';
    $('sr-status').textContent = '';
  }

  // ---------------------------------------------------------------- screens

  function showScreen(name, focus) {
    for (const s of SCREENS) {
      const el = $(`screen-${s}`);
      if (el) el.hidden = s !== name;
    }
    const inside = app.unlocked && !app.ended;
    $('main-nav').hidden = !inside;
    $('lock-button').hidden = !inside;
    for (const a of document.querySelectorAll('#main-nav a[data-nav]')) {
      const current = a.dataset.nav === name
        || (a.dataset.nav === 'sessions' && name === 'session')
        || (a.dataset.nav === 'commitments' && name === 'commitment');
      if (current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // Screen names only: never a record's words in the title (history).
    const titleKey = `screen.${name}`;
    document.title = has(titleKey) ? t('screen.title', { screen: t(titleKey) }) : t('app.name');
    if (focus) focusHeading(name);
  }

  function focusHeading(name) {
    const h1 = $(`screen-${name}`).querySelector('h1');
    window.scrollTo(0, 0);
    if (h1) {
      if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
  }

  function parseRoute() {
    const hash = location.hash.replace(/^#/, '');
    const parts = hash.split('/').filter(Boolean);
    if (parts.length === 0) return { name: 'sessions' };
    const id = parts[1] ? decodeURIComponent(parts[1]) : '';
    if (parts[0] === 'sessions' && parts.length === 1) return { name: 'sessions' };
    if (parts[0] === 'sessions' && parts.length === 2) return { name: 'session', id };
    if (parts[0] === 'new' && parts.length === 1) return { name: 'new' };
    if (parts[0] === 'commitments' && parts.length === 1) return { name: 'commitments' };
    if (parts[0] === 'commitments' && parts.length === 2) return { name: 'commitment', id };
    if (parts[0] === 'wipe' && parts.length === 1) return { name: 'wipe' };
    if (parts[0] === 'report' && parts.length === 1) return { name: 'report' };
    if (parts[0] === 'brief' && parts.length === 1) return { name: 'brief' };
    if (parts[0] === 'sync' && parts.length === 1) return { name: 'sync' };
    return { name: 'notfound' };
  }

  function route(focus) {
    if (app.ended) {
      showScreen(app.wiped ? 'wiped' : 'ended', focus);
      return;
    }
    // Destroying the records must not wait for an unlock (a checkpoint).
    if (!app.unlocked && parseRoute().name === 'wipe') {
      showWipe(focus);
      return;
    }
    if (!app.unlocked) {
      showUnlock(focus);
      return;
    }
    const r = parseRoute();
    // A message belongs to the screen it was said on, unless it was said
    // for this navigation ("Session saved").
    if (!app.statusKeep) {
      clearTimeout(app.statusTimer);
      $('status').textContent = '';
    }
    app.statusKeep = false;
    if (app.route && app.route.name === 'new' && r.name !== 'new') saveDraftNow();
    app.route = r;
    switch (r.name) {
      case 'sessions':
        showScreen('sessions', focus);
        loadSessions(false);
        break;
      case 'session':
        showScreen('session', false);
        loadSession(r.id, focus);
        break;
      case 'new':
        showScreen('new', focus);
        openForm();
        break;
      case 'commitments':
        showScreen('commitments', focus);
        loadBoard();
        break;
      case 'commitment':
        showScreen('commitment', false);
        loadCommitment(r.id, focus);
        break;
      case 'report':
        showReport(focus);
        break;
      case 'brief':
        showBrief(focus);
        break;
      case 'sync':
        showSync(focus);
        break;
      case 'wipe':
        showWipe(focus);
        break;
      default:
        showScreen('notfound', focus);
    }
  }

  // ---------------------------------------------------------------- language

  // The remembered choice, else the first of the browser's languages that
  // has a table (fr-CA -> fr), else English.
  function pickLanguage() {
    let saved = '';
    try {
      saved = localStorage.getItem(LANG_KEY) || '';
    } catch (e) { /* storage off */ }
    if (saved && app.languages.includes(saved)) return saved;
    const wanted = navigator.languages && navigator.languages.length
      ? navigator.languages : [navigator.language || 'en'];
    for (const l of wanted) {
      const tag = String(l).toLowerCase();
      if (app.languages.includes(tag)) return tag;
      const base = tag.split('-')[0];
      if (app.languages.includes(base)) return base;
    }
    return app.languages.includes('en') ? 'en' : app.languages[0];
  }

  async function loadTable(lang) {
    if (app.tables.has(lang)) return app.tables.get(lang);
    const res = await fetch(`/api/i18n/${encodeURIComponent(lang)}`, {
      credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store',
    });
    if (res.status === 401) {
      const e = new ApiError(401, 'unauthenticated', '');
      throw e;
    }
    if (!res.ok) throw new ApiError(res.status, 'not_found', '');
    const table = await res.json();
    if (!table || typeof table !== 'object') throw new ApiError(500, 'internal', '');
    app.tables.set(lang, table);
    return table;
  }

  function fillLanguageSelect() {
    const sel = $('lang-select');
    clear(sel);
    for (const code of app.languages) {
      sel.append(h('option', { value: code, lang: code, text: languageName(code) }));
    }
    sel.value = app.lang;
  }

  async function setLanguage(lang, persist) {
    const table = await loadTable(lang);
    app.lang = lang;
    app.strings = table;
    fmtCache = {};
    if (persist) {
      try {
        localStorage.setItem(LANG_KEY, lang);
      } catch (e) { /* storage off: the choice lasts this page only */ }
    }
    const root = document.documentElement;
    root.lang = typeof table.locale === 'string' ? table.locale : lang;
    root.dir = table.dir === 'rtl' ? 'rtl' : 'ltr';
    fillLanguageSelect();
    applyStrings(document);
    refreshVocabularyOptions();
    renumberAll();
    updateOffsetHint();
    updateTotals();
    updateUnlockTexts();
  }

  // ---------------------------------------------------------------- wipe

  // The word the user types to confirm, compared without case or accents
  // (DETRUIRE does for DÉTRUIRE on a phone keyboard).
  function plainWord(text) {
    return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .trim().toLocaleUpperCase(app.lang);
  }

  function wipeWordTyped() {
    return plainWord($('wipe-word').value) === plainWord(t('wipe.word'));
  }

  function showWipe(focus) {
    showScreen('wipe', focus);
    $('wipe-label').textContent = t('wipe.confirm_label', { word: t('wipe.word') });
    $('wipe-word').value = '';
    $('wipe-button').disabled = true;
    setAlert($('wipe-error'), '');
    if (focus) $('wipe-word').focus();
  }

  async function onWipeSubmit(ev) {
    ev.preventDefault();
    if (!wipeWordTyped()) return;
    const button = $('wipe-button');
    button.disabled = true;
    setAlert($('wipe-error'), '');
    try {
      await api('POST', '/api/wipe', { confirm: 'wipe' });
    } catch (e) {
      if (!isHandled(e)) setAlert($('wipe-error'), errorText(e));
      button.disabled = !wipeWordTyped();
      return;
    }
    // Nothing is left to show or to unlock.
    app.wiped = true;
    app.ended = true;
    app.unlocked = false;
    app.gen += 1;
    clearTimeout(app.idleTimer);
    forgetData();
    showScreen('wiped', true);
  }

  // ---------------------------------------------------------------- unlock

  function showUnlock(focus) {
    showScreen('unlock', false);
    updateUnlockTexts();
    if (focus) {
      window.scrollTo(0, 0);
      $('passphrase').focus();
    }
  }

  // The idle limit in words: "5 minutes", or seconds when it is under a
  // minute or not whole minutes (`base` is unlock.reason_idle or
  // unlock.idle_note).
  function idleText(base) {
    const s = app.idleSeconds;
    if (s >= 60 && s % 60 === 0) return tn(base, s / 60);
    if (s < 120) return tn(`${base}_seconds`, s);
    return tn(base, Math.round(s / 60));
  }

  function updateUnlockTexts() {
    const reason = $('unlock-reason');
    if (app.lockReason === 'idle') {
      reason.textContent = idleText('unlock.reason_idle');
      reason.hidden = false;
    } else if (app.lockReason === 'locked') {
      reason.textContent = t('unlock.reason_locked');
      reason.hidden = false;
    } else if (app.lockReason === 'user') {
      reason.textContent = t('unlock.reason_user');
      reason.hidden = false;
    } else {
      reason.textContent = '';
      reason.hidden = true;
    }
    $('unlock-idle').textContent = app.idleSeconds > 0
      ? idleText('unlock.idle_note') : '';
  }

  async function onUnlockSubmit(ev) {
    ev.preventDefault();
    const input = $('passphrase');
    const button = $('unlock-button');
    const alertEl = $('unlock-error');
    if (!input.value) {
      setAlert(alertEl, t('unlock.empty'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = t('unlock.working');
    setAlert(alertEl, '');
    try {
      await api('POST', '/api/unlock', { passphrase: input.value });
      input.value = '';
      input.removeAttribute('aria-invalid');
      setPassphraseVisible(false);
      app.unlocked = true;
      app.lockReason = '';
      app.gen += 1;
      await refreshState();
      noteActivity();
      route(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'wrong_passphrase') {
        setAlert(alertEl, t('error.wrong_passphrase'));
        input.setAttribute('aria-invalid', 'true');
        input.select();
        input.focus();
      } else if (!isHandled(e)) {
        setAlert(alertEl, errorText(e));
      }
    } finally {
      button.disabled = false;
      button.textContent = t('unlock.submit');
    }
  }

  function setPassphraseVisible(visible) {
    const input = $('passphrase');
    const toggle = $('passphrase-toggle');
    input.type = visible ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', visible ? 'true' : 'false');
    toggle.dataset.i18n = visible ? 'unlock.hide' : 'unlock.show';
    toggle.textContent = t(toggle.dataset.i18n);
  }

  // ---------------------------------------------------------------- sessions list

  function readFilters() {
    const country = $('filter-country').value.trim().toUpperCase();
    return {
      text: $('search-text').value.trim(),
      from: $('filter-from').value,
      to: $('filter-to').value,
      kind: $('filter-kind').value,
      country,
      region: $('filter-region').value.trim(),
      commune: $('filter-commune').value.trim(),
    };
  }

  function activeFilterCount(f) {
    return ['from', 'to', 'kind', 'country', 'region', 'commune'].filter((k) => f[k]).length;
  }

  async function loadSessions(byUser) {
    const seq = ++app.listSeq;
    const gen = app.gen;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(app.filters)) if (v) q.set(k, v);
    const list = $('sessions-list');
    list.setAttribute('aria-busy', 'true');
    setAlert($('sessions-error'), '');
    try {
      const qs = q.toString();
      const data = await api('GET', `/api/sessions${qs ? `?${qs}` : ''}`);
      if (seq !== app.listSeq || gen !== app.gen) return;
      renderSessions(data, byUser);
    } catch (e) {
      if (seq !== app.listSeq || gen !== app.gen || isHandled(e)) return;
      setAlert($('sessions-error'), errorText(e));
    } finally {
      if (seq === app.listSeq) list.removeAttribute('aria-busy');
    }
  }

  function renderSessions(data, byUser) {
    const sessions = Array.isArray(data.sessions) ? data.sessions : [];
    const total = typeof data.total === 'number' ? data.total : sessions.length;
    const list = $('sessions-list');
    clear(list);
    for (const s of sessions) list.append(sessionItem(s));
    const filtered = Object.values(app.filters).some(Boolean);
    const countEl = $('sessions-count');
    if (sessions.length === 0) {
      countEl.textContent = '';
    } else if (total > sessions.length) {
      countEl.textContent = t('sessions.count_partial', { shown: sessions.length, total });
    } else {
      countEl.textContent = tn('sessions.count', total);
    }
    const empty = $('sessions-empty');
    empty.hidden = sessions.length > 0;
    empty.textContent = filtered ? t('sessions.empty_filtered') : t('sessions.empty');
    const n = activeFilterCount(app.filters);
    $('filters-active').hidden = n === 0;
    $('filters-active').textContent = n ? fmtNum(n) : '';
    if (byUser) announce(sessions.length ? countEl.textContent : empty.textContent);
  }

  function sessionItem(s) {
    const id = String(s.id || '');
    const participants = typeof s.participants === 'number' ? s.participants : 0;
    const open = typeof s.open_commitments === 'number' ? s.open_commitments : 0;
    const date = s.date || (typeof s.started_at === 'string' ? s.started_at.slice(0, 10) : '');
    const place = placeText(s);
    return h('li', { class: 'card session-item', 'data-testid': 'session-item', 'data-id': id },
      h('a', { class: 'card-link', href: `#/sessions/${encodeURIComponent(id)}` },
        h('h2', { class: 'card-title', dir: 'auto', text: String(s.title || '') }),
        h('p', { class: 'card-meta' },
          h('span', { text: fmtDate(date) }),
          h('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }),
          h('span', { text: vname('kind', s.kind) })),
        place ? h('p', { class: 'card-meta', dir: 'auto', text: place }) : null,
        h('p', { class: 'chips' },
          h('span', { class: 'chip', text: tn('sessions.participants', participants) }),
          open > 0
            ? h('span', { class: 'chip chip-warn', text: tn('sessions.open_commitments', open) })
            : h('span', { class: 'chip chip-quiet', text: t('sessions.no_open_commitments') }))));
  }

  function onSearchSubmit(ev) {
    ev.preventDefault();
    clearTimeout(app.searchTimer);
    app.filters = readFilters();
    loadSessions(true);
  }

  function onSearchInput() {
    clearTimeout(app.searchTimer);
    app.searchTimer = window.setTimeout(() => {
      const f = readFilters();
      if (f.text === (app.filters.text || '')) return;
      app.filters = Object.assign({}, app.filters, { text: f.text });
      loadSessions(true);
    }, SEARCH_DELAY_MS);
  }

  function toggleFilters() {
    const panel = $('filters');
    const open = panel.hidden;
    panel.hidden = !open;
    $('filters-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) $('filter-from').focus();
  }

  function clearFilters() {
    for (const id of ['filter-from', 'filter-to', 'filter-kind', 'filter-country', 'filter-region', 'filter-commune']) {
      $(id).value = '';
    }
    app.filters = readFilters();
    loadSessions(true);
  }

  // ---------------------------------------------------------------- session detail

  function detailSection(titleKey, ...content) {
    return h('section', { class: 'detail-section' }, h('h2', { i18n: titleKey, text: t(titleKey) }), ...content);
  }

  function dl(rows) {
    const list = h('dl', { class: 'facts' });
    for (const [key, value, attrs] of rows) {
      if (value === null || value === undefined || value === '') continue;
      list.append(h('div', { class: 'fact' },
        h('dt', { text: t(key) }),
        h('dd', attrs || {}, value)));
    }
    return list;
  }

  function participantTotal(p) {
    if (!p || typeof p !== 'object') return 0;
    for (const k of ['by_sex', 'by_age', 'by_group']) {
      const d = p[k];
      if (d && typeof d === 'object' && Object.keys(d).length) {
        return Object.values(d).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);
      }
    }
    return 0;
  }

  function statusBadge(status, overdue) {
    const frag = [h('span', { class: `badge status-badge status-${String(status).replace(/[^a-z_]/g, '')}`, 'data-testid': 'status-badge', text: vname('status', status) })];
    if (overdue) frag.push(h('span', { class: 'badge status-overdue', text: t('board.overdue_badge') }));
    return frag;
  }

  async function loadSession(id, focus) {
    const gen = app.gen;
    const box = $('session-detail');
    clear(box);
    setAlert($('session-error'), '');
    box.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', `/api/sessions/${encodeURIComponent(id)}`);
      if (gen !== app.gen) return;
      renderSession(data);
      if (focus) focusHeading('session');
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      setAlert($('session-error'), e instanceof ApiError && e.code === 'not_found'
        ? t('session.not_found') : errorText(e));
      if (focus) $('session-error').focus();
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  function renderSession(data) {
    const s = data && typeof data.session === 'object' && data.session ? data.session : {};
    const box = $('session-detail');
    clear(box);
    const place = s.place && typeof s.place === 'object' ? s.place : {};
    box.append(h('h1', { tabindex: '-1', dir: 'auto', 'data-testid': 'session-title', text: String(s.title || '') }));
    box.append(h('p', { class: 'lead' }, h('span', { class: 'badge badge-kind', text: vname('kind', s.kind) })));
    const languages = Array.isArray(s.languages) ? s.languages.map((l) => languageName(String(l))).join(', ') : '';
    const facilitators = Array.isArray(s.facilitators) ? s.facilitators.join(', ') : '';
    box.append(dl([
      ['session.started', fmtDateTime(s.started_at)],
      ['session.ended', s.ended_at ? fmtDateTime(s.ended_at) : ''],
      ['session.place', placeText(place), { dir: 'auto' }],
      ['session.site', typeof place.site === 'string' ? place.site : '', { dir: 'auto' }],
      ['session.attribution', s.attribution ? vname('attribution', s.attribution) : ''],
      ['session.languages', languages],
      ['session.facilitators', facilitators, { dir: 'auto' }],
      ['session.next_meeting', s.next_meeting ? fmtDate(s.next_meeting, 'full') : ''],
    ]));

    // Participants
    const p = s.participants && typeof s.participants === 'object' ? s.participants : {};
    const total = participantTotal(p);
    const tables = [];
    for (const dim of DIMENSIONS) {
      const counts = p[dim.key] && typeof p[dim.key] === 'object' ? p[dim.key] : null;
      if (!counts || !Object.keys(counts).length) continue;
      const order = app.vocab[dim.list] || [];
      const codes = Object.keys(counts).sort((a, b) => {
        const ia = order.indexOf(a);
        const ib = order.indexOf(b);
        return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib);
      });
      const body = h('tbody');
      for (const code of codes) {
        body.append(h('tr', null,
          h('th', { scope: 'row', text: vname(dim.prefix, code) }),
          h('td', { class: 'num', text: fmtNum(Number(counts[code]) || 0) })));
      }
      tables.push(h('table', { class: 'counts' },
        h('caption', { text: t(`form.${dim.key}`) }),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col', text: t(`session.col_${dim.key}`) }),
          h('th', { scope: 'col', class: 'num', text: t('session.col_count') }))),
        body));
    }
    box.append(detailSection('session.participants',
      h('p', { class: 'big-number', 'data-testid': 'session-participants', text: tn('sessions.participants', total) }),
      tables.length ? h('div', { class: 'count-tables' }, tables) : h('p', { class: 'empty', text: t('session.none_recorded') })));

    box.append(detailSection('session.agenda', textList('ol', s.agenda)));

    const concerns = Array.isArray(s.concerns) ? s.concerns : [];
    const cl = h('ul', { class: 'plain-list' });
    for (const c of concerns) {
      if (!c || typeof c !== 'object') continue;
      cl.append(h('li', { class: 'concern', 'data-testid': 'session-concern' },
        h('p', { class: 'concern-head' },
          h('span', { class: 'badge badge-category', text: vname('category', c.category) }),
          c.raised_by ? h('span', { class: 'raised-by', text: t('session.raised_by', { group: vname('group', c.raised_by) }) }) : null),
        h('p', { class: 'prewrap', dir: 'auto', text: String(c.summary || '') })));
    }
    box.append(detailSection('session.concerns', concerns.length ? cl : h('p', { class: 'empty', text: t('session.none_recorded') })));

    box.append(detailSection('session.agreements', textList('ul', s.agreements)));

    const commitments = Array.isArray(data.commitments) && data.commitments.length
      ? data.commitments
      : (Array.isArray(s.commitments) ? s.commitments : []);
    const ml = h('ul', { class: 'cards' });
    for (const c of commitments) {
      if (!c || typeof c !== 'object') continue;
      const id = String(c.id || '');
      const status = String(c.status || 'open');
      const inner = [
        h('p', { class: 'card-title prewrap', dir: 'auto', text: String(c.action || '') }),
        h('p', { class: 'card-meta', dir: 'auto', text: String(c.owner || '') }),
        h('p', { class: 'card-meta' }, c.due ? t('commitment.due_on', { date: fmtDate(c.due) }) : t('commitment.no_due')),
        h('p', { class: 'chips' }, statusBadge(status, c.overdue === true)),
      ];
      ml.append(h('li', { class: 'card', 'data-testid': 'session-commitment', 'data-id': id, 'data-status': status },
        id ? h('a', { class: 'card-link', href: `#/commitments/${encodeURIComponent(id)}` }, inner,
          h('span', { class: 'card-more', text: t('session.commitment_open') }))
          : h('div', { class: 'card-body' }, inner)));
    }
    box.append(detailSection('session.commitments', commitments.length ? ml : h('p', { class: 'empty', text: t('session.none_recorded') })));

    box.append(detailSection('session.notes', typeof s.notes === 'string' && s.notes
      ? h('p', { class: 'prewrap notes', dir: 'auto', 'data-testid': 'session-notes', text: s.notes })
      : h('p', { class: 'empty', text: t('session.none_recorded') })));

    const created = s.created_at ? fmtDateTime(s.created_at) : '';
    if (created) box.append(h('p', { class: 'hint', text: t('session.recorded_at', { datetime: created }) }));
  }

  function textList(tag, items) {
    const list = Array.isArray(items) ? items.filter((x) => typeof x === 'string' && x) : [];
    if (!list.length) return h('p', { class: 'empty', text: t('session.none_recorded') });
    return h(tag, { class: 'text-list' }, list.map((x) => h('li', { class: 'prewrap', dir: 'auto', text: x })));
  }

  // ---------------------------------------------------------------- board

  function columnOf(c) {
    if (c.overdue === true) return 'overdue';
    if (c.status === 'done' || c.status === 'dropped') return 'done';
    return 'open';
  }

  async function loadBoard() {
    const gen = app.gen;
    const board = $('board');
    board.setAttribute('aria-busy', 'true');
    setAlert($('board-error'), '');
    try {
      const data = await api('GET', '/api/commitments');
      if (gen !== app.gen) return;
      if (typeof data.today === 'string') app.today = data.today;
      renderBoard(Array.isArray(data.commitments) ? data.commitments : []);
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      setAlert($('board-error'), errorText(e));
    } finally {
      board.removeAttribute('aria-busy');
    }
  }

  function renderBoard(list) {
    const cols = { open: [], overdue: [], done: [] };
    for (const c of list) if (c && typeof c === 'object') cols[columnOf(c)].push(c);
    const byDue = (a, b) => (a.due || '9999-99-99').localeCompare(b.due || '9999-99-99');
    cols.open.sort(byDue);
    cols.overdue.sort(byDue);
    cols.done.sort((a, b) => String(b.status_date || '').localeCompare(String(a.status_date || '')));
    for (const name of ['open', 'overdue', 'done']) {
      const ul = $(`col-${name}`);
      clear(ul);
      for (const c of cols[name]) ul.append(commitmentCard(c, name));
      if (!cols[name].length) ul.append(h('li', { class: 'empty', text: t('board.col_empty') }));
      $(`col-${name}-count`).textContent = fmtNum(cols[name].length);
      const jump = document.querySelector(`[data-jump="${name}"]`);
      jump.textContent = t('board.jump', { column: t(`board.col_${name}`), n: cols[name].length });
    }
    $('board-jump').hidden = list.length === 0;
    $('board-empty').hidden = list.length !== 0;
    $('board-empty').textContent = t('board.empty');
  }

  function commitmentCard(c, column) {
    const id = String(c.id || '');
    const status = String(c.status || 'open');
    let due = t('commitment.no_due');
    if (c.due) {
      due = column === 'overdue'
        ? t('commitment.due_late', { date: fmtDate(c.due), late: tn('commitment.days_late', Math.max(1, daysBetween(c.due, app.today))) })
        : t('commitment.due_on', { date: fmtDate(c.due) });
    }
    const sessionTitle = String(c.session_title || '');
    return h('li', {
      class: `card commitment-card col-${column}`, 'data-testid': 'commitment-card', 'data-id': id,
      'data-status': status, 'data-column': column, 'data-overdue': c.overdue === true ? 'true' : 'false',
    },
    h('a', { class: 'card-link', href: `#/commitments/${encodeURIComponent(id)}` },
      h('h3', { class: 'card-title clamp', dir: 'auto', text: String(c.action || '') }),
      h('p', { class: 'card-meta owner', dir: 'auto', text: String(c.owner || '') }),
      h('p', { class: column === 'overdue' ? 'card-meta due-late' : 'card-meta', text: due }),
      h('p', { class: 'chips' }, statusBadge(status, false)),
      sessionTitle ? h('p', { class: 'card-meta from-session' },
        h('span', { class: 'visually-hidden', text: t('commitment.from_session') }),
        h('span', { dir: 'auto', text: sessionTitle })) : null));
  }

  // ---------------------------------------------------------------- commitment detail

  async function loadCommitment(id, focus) {
    const gen = app.gen;
    const box = $('commitment-detail');
    clear(box);
    setAlert($('commitment-error'), '');
    $('followup-section').hidden = true;
    app.current = null;
    box.setAttribute('aria-busy', 'true');
    try {
      const [data] = await Promise.all([
        api('GET', `/api/commitments/${encodeURIComponent(id)}`),
        refreshState(),
      ]);
      if (gen !== app.gen) return;
      const c = data && typeof data.commitment === 'object' && data.commitment ? Object.assign({}, data.commitment, { follow_ups: data.follow_ups || data.commitment.follow_ups }) : data;
      app.current = c;
      renderCommitment(c);
      prepareFollowUpForm(c);
      if (focus) focusHeading('commitment');
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      setAlert($('commitment-error'), e instanceof ApiError && e.code === 'not_found'
        ? t('commitment.not_found') : errorText(e));
    } finally {
      box.removeAttribute('aria-busy');
    }
  }

  function renderCommitment(c) {
    const box = $('commitment-detail');
    clear(box);
    const status = String(c.status || 'open');
    const column = columnOf(c);
    const sessionId = String(c.session_id || c.session || '');
    box.append(h('p', { class: 'eyebrow', text: t('commitment.heading') }));
    box.append(h('h1', { class: 'h1-text prewrap', tabindex: '-1', dir: 'auto', 'data-testid': 'commitment-action', text: String(c.action || '') }));
    box.append(h('p', { class: 'chips', 'data-testid': 'commitment-status', 'data-status': status, 'data-column': column },
      statusBadge(status, c.overdue === true),
      h('span', { class: 'column-note', text: t('commitment.in_column', { column: t(`board.col_${column}`) }) })));
    box.append(dl([
      ['commitment.owner', String(c.owner || ''), { dir: 'auto' }],
      ['commitment.due', c.due ? fmtDate(c.due, 'long') : t('commitment.no_due')],
      ['commitment.status_since', c.status_date ? fmtDate(c.status_date, 'long') : ''],
      ['commitment.session', sessionId
        ? h('a', { href: `#/sessions/${encodeURIComponent(sessionId)}`, dir: 'auto', text: String(c.session_title || sessionId) })
        : String(c.session_title || ''), null],
      ['commitment.session_date', c.session_date ? fmtDate(c.session_date, 'long') : ''],
      ['commitment.place', placeText(c), { dir: 'auto' }],
    ]));
    const fus = Array.isArray(c.follow_ups) ? c.follow_ups : [];
    const list = h('ol', { class: 'timeline', 'data-testid': 'follow-ups' });
    for (const f of fus) {
      if (!f || typeof f !== 'object') continue;
      list.append(h('li', { class: 'follow-up', 'data-testid': 'follow-up', 'data-status': String(f.status || '') },
        h('p', { class: 'follow-up-head' },
          h('span', { class: 'follow-up-date', text: fmtDate(f.date, 'long') }),
          statusBadge(String(f.status || ''), false)),
        f.note ? h('p', { class: 'prewrap', dir: 'auto', text: String(f.note) }) : null,
        f.created_at ? h('p', { class: 'hint', text: t('followup.recorded_at', { datetime: fmtDateTime(String(f.created_at)) }) }) : null));
    }
    box.append(detailSection('commitment.follow_ups', fus.length ? list : h('p', { class: 'empty', text: t('commitment.no_follow_ups') })));
  }

  function prepareFollowUpForm(c) {
    const sel = $('fu-status');
    if (c.status && Array.from(sel.options).some((o) => o.value === c.status)) sel.value = c.status;
    const date = $('fu-date');
    date.value = app.today || '';
    if (app.today) date.max = app.today;
    $('fu-note').value = '';
    setAlert($('followup-error'), '');
    $('followup-section').hidden = false;
  }

  async function onFollowUpSubmit(ev) {
    ev.preventDefault();
    const c = app.current;
    if (!c) return;
    const status = $('fu-status').value;
    const date = $('fu-date').value;
    const note = $('fu-note').value.trim();
    const alertEl = $('followup-error');
    if (!status) {
      setAlert(alertEl, t('validation.required', { field: t('followup.status') }));
      $('fu-status').focus();
      return;
    }
    if (parseDate(date) === null) {
      setAlert(alertEl, t('validation.date', { field: t('followup.date') }));
      $('fu-date').focus();
      return;
    }
    if (app.today && date > app.today) {
      setAlert(alertEl, t('validation.future', { field: t('followup.date') }));
      $('fu-date').focus();
      return;
    }
    const body = { status, date };
    if (note) body.note = note;
    const button = $('fu-submit');
    button.disabled = true;
    setAlert(alertEl, '');
    const gen = app.gen;
    try {
      await api('POST', `/api/commitments/${encodeURIComponent(c.id)}/follow-ups`, body);
      if (gen !== app.gen) return;
      await loadCommitment(String(c.id), false);
      if (gen !== app.gen || !app.current) return;
      const column = columnOf(app.current);
      announce(t('followup.saved', { status: vname('status', app.current.status), column: t(`board.col_${column}`) }));
      // Back to the top, where the new status and the message show.
      focusHeading('commitment');
    } catch (e) {
      if (isHandled(e)) return;
      setAlert(alertEl, e instanceof ApiError && e.serverMessage && e.status === 400
        ? `${errorText(e)} ${e.serverMessage}` : errorText(e));
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- figures (report and brief)

  // Participation dimensions of the report and brief JSON: key, name prefix
  // in the string table, heading, first column, table caption.
  const PARTICIPATION = [
    { key: 'sex', prefix: 'sex', title: 'form.by_sex', col: 'session.col_by_sex', caption: 'chart.by_sex' },
    { key: 'age', prefix: 'age', title: 'form.by_age', col: 'session.col_by_age', caption: 'chart.by_age' },
    { key: 'group', prefix: 'group', title: 'form.by_group', col: 'session.col_by_group', caption: 'chart.by_group' },
  ];

  // The follow-through columns after the institution's name, with the
  // field of core's CommitmentStats each one shows.
  const STATS_COLUMNS = [
    ['figures.col_made', 'made'], ['figures.col_kept', 'kept'], ['figures.col_overdue', 'overdue'],
    ['figures.col_dropped', 'dropped'], ['figures.col_due', 'due'], ['figures.col_kept_due', 'kept_due'],
  ];

  // The answers are the server's, but read as if they could be anything.
  const listOf = (v) => (Array.isArray(v) ? v.filter((x) => x && typeof x === 'object') : []);
  const objectOf = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const numberOf = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const textOf = (v) => (typeof v === 'string' ? v : '');

  function fmtPercent(v) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return t('figures.na');
    return formatter('percent', () => new Intl.NumberFormat(locale(),
      { style: 'percent', maximumFractionDigits: 0 })).format(v);
  }

  // A YYYY-MM month as the language writes it ("March 2026", "mars 2026").
  function fmtMonth(s) {
    const m = /^(\d{4})-(\d{2})$/.exec(textOf(s));
    if (!m) return textOf(s);
    return formatter('month', () => new Intl.DateTimeFormat(locale(),
      { year: 'numeric', month: 'long', timeZone: 'UTC' })).format(new Date(Date.UTC(+m[1], +m[2] - 1, 1)));
  }

  // A moment (Unix ms) as date and time in this browser's own clock.
  function fmtLocalDateTime(ms) {
    const d = new Date(ms);
    if (Number.isNaN(d.getTime())) return '';
    return formatter('local-datetime', () => new Intl.DateTimeFormat(locale(),
      { dateStyle: 'medium', timeStyle: 'short' })).format(d);
  }

  // Elements and attributes a chart never needs: dropped even though the
  // server promises none, so that a chart can never run or fetch anything.
  const CHART_DROP = 'script, style, foreignObject, iframe, object, embed, a, image, use, animate, set, animateMotion, animateTransform';

  function scrubChart(svg) {
    for (const el of svg.querySelectorAll(CHART_DROP)) el.remove();
    for (const el of [svg, ...svg.querySelectorAll('*')]) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on') || name === 'style' || name === 'href' || name === 'xlink:href') {
          el.removeAttribute(attr.name);
        }
      }
    }
  }

  // A chart the server drew, as a <figure>. The SVG markup is parsed in an
  // inert document and its element imported: never assigned as HTML (the
  // HTML parser puts <svg> in the SVG namespace without an xmlns). Its ids
  // take the screen's prefix: the report and the brief may both hold a
  // "concerns" chart, and each aria-labelledby must find its own title.
  function chartFigure(charts, id, prefix) {
    const chart = charts.find((c) => c.id === id && typeof c.svg === 'string');
    if (!chart) return null;
    const doc = new DOMParser().parseFromString(chart.svg, 'text/html');
    const parsed = doc.body.querySelector('svg');
    if (!parsed) return null;
    const svg = document.importNode(parsed, true);
    scrubChart(svg);
    for (const el of [svg, ...svg.querySelectorAll('[id]')]) {
      if (el.id) el.id = `${prefix}-${el.id}`;
    }
    const by = svg.getAttribute('aria-labelledby');
    if (by) svg.setAttribute('aria-labelledby', by.split(/\s+/).filter(Boolean).map((x) => `${prefix}-${x}`).join(' '));
    return h('figure', { class: 'chart', 'data-testid': `chart-${id}` }, svg);
  }

  // A table cell's content: record text keeps its own direction.
  function cellContent(v) {
    if (v instanceof Node) return v;
    return String(v);
  }

  // A table of figures. cols: [[labelKey, numeric]]; rows: arrays of cells,
  // the first one the row's header. opts.total: a last row (in <tfoot>);
  // opts.wide: as wide as its content (the follow-through's eight columns),
  // its first column staying in view. Every table is in a region that
  // scrolls sideways when a phone is too narrow for it (long words, other
  // languages); see updateScrollRegions.
  function figureTable(caption, cols, rows, opts) {
    const o = opts || {};
    const captionId = uid('caption');
    const row = (cells, total) => h('tr', total ? { class: 'total-row' } : null,
      cells.map((c, i) => (i === 0
        ? h('th', { scope: 'row' }, cellContent(c))
        : h('td', { class: cols[i] && cols[i][1] ? 'num' : null }, cellContent(c)))));
    const table = h('table', { class: o.wide ? 'counts figures-table wide' : 'counts figures-table', 'data-testid': o.testid || null },
      h('caption', { id: captionId, class: o.showCaption ? null : 'visually-hidden', text: caption }),
      h('thead', null, h('tr', null, cols.map(([key, numeric]) => h('th', { scope: 'col', class: numeric ? 'num' : null, text: t(key) })))),
      h('tbody', null, rows.map((r) => row(r, false))),
      o.total ? h('tfoot', null, row(o.total, true)) : null);
    return h('div', { class: 'table-scroll', 'aria-labelledby': captionId }, table);
  }

  // A region that scrolls must be reachable by keyboard (and named); one
  // that does not would only be an extra stop for the Tab key.
  function updateScrollRegions() {
    for (const el of document.querySelectorAll('.table-scroll')) {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('role', 'region');
      } else if (!scrolls && el.hasAttribute('tabindex')) {
        el.removeAttribute('tabindex');
        el.removeAttribute('role');
      }
    }
  }

  function userText(v, fallbackKey) {
    const s = textOf(v);
    return s ? h('span', { dir: 'auto', text: s }) : t(fallbackKey);
  }

  // Participation by sex, age and group: for each dimension with rows, its
  // chart then its table.
  function participationBlocks(participation, charts, prefix) {
    const p = objectOf(participation);
    const out = [];
    for (const dim of PARTICIPATION) {
      const rows = listOf(p[dim.key]);
      if (!rows.length) continue;
      out.push(h('section', { class: 'figure-block', 'data-testid': `participation-${dim.key}` },
        h('h3', { text: t(dim.title) }),
        chartFigure(charts, `participation-${dim.key}`, prefix),
        figureTable(t(dim.caption),
          [[dim.col, false], ['figures.col_participants', true], ['figures.col_sessions', true]],
          rows.map((r) => [vname(dim.prefix, textOf(r.key)), fmtNum(numberOf(r.participants)), fmtNum(numberOf(r.sessions))]),
          { testid: `table-participation-${dim.key}` })));
    }
    if (out.length) out.push(h('p', { class: 'hint', text: t('figures.sessions_note') }));
    return out;
  }

  function statsCells(s) {
    return [...STATS_COLUMNS.map(([, field]) => fmtNum(numberOf(s[field]))), fmtPercent(s.follow_through_rate)];
  }

  // What Kept, Overdue, Due and Follow-through mean, as the HTML report says.
  function definitions(today) {
    const date = fmtDate(today, 'long');
    const terms = [['figures.col_kept', 'figures.def_kept'], ['figures.col_overdue', 'figures.def_overdue'],
      ['figures.col_due', 'figures.def_due'], ['figures.col_rate', 'figures.def_rate']];
    return h('dl', { class: 'definitions', 'data-testid': 'definitions' },
      terms.map(([term, def]) => h('div', null,
        h('dt', { text: t('figures.def_term', { term: `@${term}` }) }), ' ',
        h('dd', { text: t(def, { today: date }) }))));
  }

  // The follow-through table of each owning institution, its total, and
  // the definitions.
  function followThroughBlock(ft, today, captionKey, testid) {
    const f = objectOf(ft);
    const cols = [['figures.col_owner', false], ...STATS_COLUMNS.map(([key]) => [key, true]), ['figures.col_rate', true]];
    const rows = listOf(f.by_owner).map((s) => [userText(s.owner, 'figures.no_owner'), ...statsCells(s)]);
    return [
      figureTable(t(captionKey), cols, rows, { total: [t('figures.total'), ...statsCells(objectOf(f.total))], wide: true, testid }),
      h('p', { class: 'hint', text: t('figures.as_of', { date: fmtDate(today, 'long') }) }),
      definitions(today),
    ];
  }

  function figureSection(titleKey, testid, ...content) {
    return h('section', { class: 'detail-section', 'data-testid': testid },
      h('h2', { text: t(titleKey) }), ...content);
  }

  function emptyText(key, testid) {
    return h('p', { class: 'empty', 'data-testid': testid || null, text: t(key) });
  }

  // ---------------------------------------------------------------- places

  // The countries, regions and communes of the sessions this page can see,
  // offered as suggestions by the report and brief forms. Regions and
  // communes follow the country typed, when there is one.
  async function loadPlaces() {
    const seq = ++app.placesSeq;
    const gen = app.gen;
    try {
      const data = await api('GET', `/api/sessions?limit=${PLACES_LIMIT}`);
      if (seq !== app.placesSeq || gen !== app.gen) return null;
      return listOf(data.sessions).map((s) => ({
        country: textOf(s.country).toUpperCase(), region: textOf(s.region), commune: textOf(s.commune),
      }));
    } catch (e) {
      return null; // suggestions only
    }
  }

  function distinct(values) {
    const seen = new Map();
    for (const v of values) {
      const key = v.trim().toLocaleLowerCase();
      if (key && !seen.has(key)) seen.set(key, v.trim());
    }
    return Array.from(seen.values()).sort((a, b) => a.localeCompare(b, locale()));
  }

  function fillPlaceLists(country) {
    const places = app.places || [];
    const cc = country.trim().toUpperCase();
    const here = cc ? places.filter((p) => p.country === cc) : places;
    const fill = (id, values, label) => {
      const list = $(id);
      clear(list);
      for (const v of values) list.append(h('option', { value: v, text: label ? label(v) : null }));
    };
    fill('place-countries', distinct(places.map((p) => p.country)).filter((c) => /^[A-Z]{2}$/.test(c)), countryName);
    fill('place-regions', distinct(here.map((p) => p.region)));
    fill('place-communes', distinct(here.map((p) => p.commune)));
  }

  async function refreshPlaces(countryInput) {
    const places = await loadPlaces();
    if (!places) return;
    app.places = places;
    fillPlaceLists(countryInput.value);
  }

  function markInvalid(el, invalid) {
    if (invalid) el.setAttribute('aria-invalid', 'true');
    else el.removeAttribute('aria-invalid');
  }

  function countryProblem(input, required) {
    const cc = input.value.trim().toUpperCase();
    const label = fieldLabel(input);
    if (!cc) return required ? t('validation.required', { field: label }) : '';
    return /^[A-Z]{2}$/.test(cc) ? '' : t('validation.country', { field: label });
  }

  // A refusal of the server, with its English reason for a bad parameter.
  function requestErrorText(e) {
    return e instanceof ApiError && e.status === 400 && e.serverMessage
      ? `${errorText(e)} ${e.serverMessage}` : errorText(e);
  }

  // ---------------------------------------------------------------- report

  function showReport(focus) {
    showScreen('report', focus);
    updateReportScope();
    refreshPlaces($('report-country'));
    loadReport(false);
  }

  function readReportFilters() {
    return {
      from: $('report-from').value,
      to: $('report-to').value,
      country: $('report-country').value.trim().toUpperCase(),
      region: $('report-region').value.trim(),
      commune: $('report-commune').value.trim(),
    };
  }

  // What the figures shown cover, in words (the filters applied, not those
  // being typed).
  function updateReportScope() {
    const f = app.report.filters;
    const place = placeText(f) || t('report.all_places');
    let period = t('report.all_dates');
    if (f.from && f.to) period = t('report.period_from_to', { from: fmtDate(f.from), to: fmtDate(f.to) });
    else if (f.from) period = t('report.period_from', { from: fmtDate(f.from) });
    else if (f.to) period = t('report.period_to', { to: fmtDate(f.to) });
    $('report-scope').textContent = t('report.scope', { place, period });
    const n = Object.values(f).filter(Boolean).length;
    $('report-filters-active').hidden = n === 0;
    $('report-filters-active').textContent = n ? fmtNum(n) : '';
  }

  function toggleReportFilters() {
    const panel = $('report-filter-fields');
    const open = panel.hidden;
    panel.hidden = !open;
    $('report-filters-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) $('report-from').focus();
  }

  function onReportSubmit(ev) {
    ev.preventDefault();
    const f = readReportFilters();
    const country = $('report-country');
    const problem = countryProblem(country, false);
    const to = $('report-to');
    const backwards = Boolean(f.from && f.to && f.to < f.from);
    markInvalid(country, Boolean(problem));
    markInvalid(to, backwards);
    if (problem || backwards) {
      setAlert($('report-error'), problem || t('validation.date_order'));
      (problem ? country : to).focus();
      return;
    }
    app.report.filters = f;
    updateReportScope();
    loadReport(true);
  }

  function clearReportFilters() {
    $('report-form').reset();
    for (const el of $('report-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    app.report.filters = {};
    fillPlaceLists('');
    updateReportScope();
    loadReport(true);
  }

  async function loadReport(byUser) {
    const seq = ++app.report.seq;
    const gen = app.gen;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(app.report.filters)) if (v) q.set(k, v);
    q.set('lang', app.lang);
    const box = $('report-body');
    box.setAttribute('aria-busy', 'true');
    setAlert($('report-error'), '');
    try {
      const data = await api('GET', `/api/report?${q.toString()}`);
      if (seq !== app.report.seq || gen !== app.gen) return;
      renderReport(data);
      updateScrollRegions();
      if (byUser) {
        const r = objectOf(data.report);
        announce(t('report.totals', {
          sessions: tn('sessions.count', numberOf(r.sessions)),
          participants: tn('sessions.participants', numberOf(r.participants)),
        }));
      }
    } catch (e) {
      if (seq !== app.report.seq || gen !== app.gen || isHandled(e)) return;
      clear(box);
      setAlert($('report-error'), requestErrorText(e));
    } finally {
      if (seq === app.report.seq) box.removeAttribute('aria-busy');
    }
  }

  function statTile(n, key, testid) {
    return h('p', { class: 'stat', 'data-testid': testid },
      h('span', { class: 'stat-number', text: fmtNum(n) }), ' ',
      h('span', { class: 'stat-label', text: tn(key, n) }));
  }

  function renderReport(data) {
    const r = objectOf(data.report);
    const charts = listOf(data.charts);
    const today = textOf(objectOf(r.filter).today) || app.today;
    const sessions = numberOf(r.sessions);
    const participants = numberOf(r.participants);
    const box = $('report-body');
    clear(box);

    box.append(h('div', { class: 'stats', id: 'report-totals', 'data-testid': 'report-totals' },
      statTile(sessions, 'report.stat_sessions', 'report-sessions'),
      statTile(participants, 'report.stat_participants', 'report-participants')));

    const participation = sessions > 0 ? participationBlocks(r.participation, charts, 'report') : [];
    box.append(figureSection('report.participation', 'report-participation',
      participation.length ? participation : emptyText(sessions > 0 ? 'figures.no_participants' : 'report.no_sessions', 'report-empty')));

    const concerns = objectOf(r.concerns);
    const byCategory = listOf(concerns.by_category);
    const concernBlocks = byCategory.length ? [
      h('section', { class: 'figure-block', 'data-testid': 'report-concerns-category' },
        h('h3', { text: t('report.concerns_by_category') }),
        chartFigure(charts, 'concerns', 'report'),
        figureTable(t('chart.concerns'),
          [['figures.col_category', false], ['figures.col_concerns', true], ['figures.col_sessions', true]],
          byCategory.map((c) => [vname('category', textOf(c.category)), fmtNum(numberOf(c.concerns)), fmtNum(numberOf(c.sessions))]),
          { testid: 'table-concerns-category' })),
      h('section', { class: 'figure-block', 'data-testid': 'report-concerns-region' },
        h('h3', { text: t('report.concerns_by_region') }),
        // Region and country in one column: three columns fit a phone.
        figureTable(t('report.concerns_by_region'),
          [['figures.col_category', false], ['figures.col_place', false], ['figures.col_concerns', true]],
          listOf(concerns.by_region).map((c) => [vname('category', textOf(c.category)),
            h('span', { dir: 'auto', text: placeText({ country: textOf(c.country), region: textOf(c.region) }) || t('figures.no_region') }),
            fmtNum(numberOf(c.concerns))]),
          { testid: 'table-concerns-region' })),
    ] : [emptyText('report.no_concerns')];
    box.append(figureSection('report.concerns', 'report-concerns', concernBlocks));

    const commitments = objectOf(r.commitments);
    box.append(figureSection('report.commitments', 'report-commitments',
      listOf(commitments.by_owner).length
        ? followThroughBlock(commitments, today, 'report.commitments', 'table-follow-through')
        : emptyText('report.no_commitments')));
  }

  // ---------------------------------------------------------------- brief

  function showBrief(focus) {
    showScreen('brief', false);
    setAlert($('brief-error'), '');
    refreshPlaces($('brief-country')).then(() => {
      // A fresh form starts at the country of the latest session.
      const input = $('brief-country');
      if (!input.value && !app.brief.filter && app.places && app.places.length && /^[A-Z]{2}$/.test(app.places[0].country)) {
        input.value = app.places[0].country;
        fillPlaceLists(input.value);
      }
    });
    if (app.brief.filter) loadBrief(false);
    if (focus) focusHeading('brief');
  }

  function onBriefSubmit(ev) {
    ev.preventDefault();
    const country = $('brief-country');
    const problem = countryProblem(country, true);
    if (problem) {
      country.setAttribute('aria-invalid', 'true');
      setAlert($('brief-error'), problem);
      country.focus();
      return;
    }
    country.removeAttribute('aria-invalid');
    country.value = country.value.trim().toUpperCase();
    app.brief.filter = {
      country: country.value,
      region: $('brief-region').value.trim(),
      commune: $('brief-commune').value.trim(),
    };
    loadBrief(true);
  }

  async function loadBrief(byUser) {
    const seq = ++app.brief.seq;
    const gen = app.gen;
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(app.brief.filter || {})) if (v) q.set(k, v);
    q.set('lang', app.lang);
    const box = $('brief-body');
    const button = $('brief-submit');
    box.setAttribute('aria-busy', 'true');
    button.disabled = true;
    setAlert($('brief-error'), '');
    try {
      const data = await api('GET', `/api/brief?${q.toString()}`);
      if (seq !== app.brief.seq || gen !== app.gen) return;
      renderBrief(data);
      updateScrollRegions();
      // Land on what was asked for: the brief's first line.
      if (byUser) {
        const head = $('brief-place');
        head.scrollIntoView({ block: 'start' });
        head.focus({ preventScroll: true });
      }
    } catch (e) {
      if (seq !== app.brief.seq || gen !== app.gen || isHandled(e)) return;
      clear(box);
      setAlert($('brief-error'), requestErrorText(e));
    } finally {
      if (seq === app.brief.seq) {
        box.removeAttribute('aria-busy');
        button.disabled = false;
      }
    }
  }

  function renderBrief(data) {
    const b = objectOf(data.brief);
    const charts = listOf(data.charts);
    const f = objectOf(b.filter);
    const today = textOf(f.today) || app.today;
    const sessions = numberOf(b.sessions);
    const box = $('brief-body');
    clear(box);

    box.append(h('div', { class: 'brief-head' },
      h('p', {
        class: 'brief-place', id: 'brief-place', tabindex: '-1', dir: 'auto', 'data-testid': 'brief-place',
        text: t('brief.heading', { place: placeText({ country: textOf(f.country), region: textOf(f.region), commune: textOf(f.commune) }) }),
      }),
      h('p', { class: 'hint', text: t('brief.as_of', { date: fmtDate(today, 'long') }) })));

    box.append(briefSessions(b, sessions));
    if (sessions > 0) box.append(briefOverTime(b, charts));
    box.append(briefConcerns(b, charts));
    box.append(briefOpenCommitments(objectOf(b.open_commitments)));
    const ft = objectOf(b.follow_through);
    box.append(figureSection('brief.follow_through', 'brief-follow-through',
      listOf(ft.by_owner).length
        ? followThroughBlock(ft, today, 'brief.follow_through', 'table-follow-through')
        : emptyText('brief.no_follow_through')));
  }

  function briefSessions(b, sessions) {
    if (sessions === 0) return figureSection('brief.sessions_held', 'brief-sessions', emptyText('brief.no_sessions', 'brief-empty'));
    const first = textOf(b.first_date);
    const last = textOf(b.last_date);
    const vars = { sessions: tn('sessions.count', sessions), participants: tn('sessions.participants', numberOf(b.participants)) };
    const summary = first === last
      ? t('brief.summary_day', Object.assign(vars, { date: fmtDate(first, 'long') }))
      : t('brief.summary_range', Object.assign(vars, { from: fmtDate(first, 'long'), to: fmtDate(last, 'long') }));
    return figureSection('brief.sessions_held', 'brief-sessions',
      h('p', { class: 'summary-line', 'data-testid': 'brief-summary', text: summary }),
      figureTable(t('brief.kinds_caption'), [['figures.col_kind', false], ['figures.col_sessions', true]],
        listOf(b.kinds).map((k) => [vname('kind', textOf(k.kind)), fmtNum(numberOf(k.sessions))]),
        { testid: 'table-kinds' }));
  }

  function briefOverTime(b, charts) {
    return figureSection('brief.over_time', 'brief-over-time',
      h('section', { class: 'figure-block', 'data-testid': 'brief-months' },
        chartFigure(charts, 'months', 'brief'),
        figureTable(t('chart.months'),
          [['figures.col_month', false], ['figures.col_sessions', true], ['figures.col_participants', true]],
          listOf(b.months).map((m) => [fmtMonth(m.month), fmtNum(numberOf(m.sessions)), fmtNum(numberOf(m.participants))]),
          { testid: 'table-months' })),
      participationBlocks(b.participation, charts, 'brief'));
  }

  function briefConcerns(b, charts) {
    const concerns = listOf(b.concerns);
    if (!concerns.length) return figureSection('brief.concerns', 'brief-concerns', emptyText('brief.no_concerns'));
    const blocks = concerns.map((c) => {
      const latest = listOf(c.latest);
      return h('section', { class: 'figure-block concern-block', 'data-testid': 'brief-concern', 'data-category': textOf(c.category) },
        h('h3', { text: vname('category', textOf(c.category)) }),
        h('p', {
          class: 'card-meta',
          text: t('brief.concern_counts', { concerns: tn('brief.n_concerns', numberOf(c.concerns)), sessions: tn('sessions.count', numberOf(c.sessions)) }),
        }),
        latest.length ? h('ul', { class: 'plain-list summaries', 'aria-label': t('brief.latest_label') },
          latest.map((s) => h('li', { class: 'concern', 'data-testid': 'brief-concern-summary' },
            h('p', { class: 'summary-date', text: fmtDate(s.date, 'long') }),
            s.summary ? h('p', { class: 'prewrap', dir: 'auto', text: textOf(s.summary) }) : h('p', { class: 'empty', text: t('brief.no_summary') })))) : null);
    });
    return figureSection('brief.concerns', 'brief-concerns', chartFigure(charts, 'concerns', 'brief'), blocks);
  }

  function briefOpenCommitments(oc) {
    const owners = listOf(oc.by_owner);
    const open = numberOf(oc.open);
    const lead = open > 0
      ? h('p', { class: 'summary-line', 'data-testid': 'brief-open-summary', text: tn('brief.open_summary', open, { overdue: numberOf(oc.overdue) }) })
      : emptyText('brief.no_open', 'brief-open-summary');
    return figureSection('brief.open_commitments', 'brief-open', lead, owners.map((o) => {
      const list = listOf(o.commitments);
      return h('section', { class: 'owner-block', 'data-testid': 'brief-owner' },
        h('h3', null, userText(o.owner, 'figures.no_owner'), ' ',
          h('span', { class: 'owner-counts', text: tn('brief.owner_counts', list.length, { overdue: numberOf(o.overdue) }) })),
        h('ul', { class: 'cards' }, list.map(briefCommitment)));
    }));
  }

  function briefCommitment(c) {
    const id = textOf(c.id);
    const status = textOf(c.status) || 'open';
    const overdue = c.overdue === true;
    const due = textOf(c.due);
    let dueText = t('commitment.no_due');
    if (due) {
      dueText = overdue
        ? t('commitment.due_late', { date: fmtDate(due), late: tn('commitment.days_late', Math.max(1, daysBetween(due, app.today))) })
        : t('commitment.due_on', { date: fmtDate(due) });
    }
    const sessionId = textOf(c.session);
    const sessionTitle = textOf(c.session_title);
    const followUps = listOf(c.follow_ups);
    return h('li', {
      class: `card commitment-card brief-commitment ${overdue ? 'col-overdue' : 'col-open'}`, 'data-testid': 'brief-commitment',
      'data-id': id, 'data-status': status, 'data-overdue': overdue ? 'true' : 'false',
    },
    h('div', { class: 'card-body' },
      h('p', { class: 'card-title prewrap', dir: 'auto', text: textOf(c.action) }),
      h('p', { class: 'chips' }, statusBadge(status, overdue),
        c.status_date ? h('span', { class: 'column-note', text: t('brief.status_since', { date: fmtDate(c.status_date) }) }) : null),
      h('p', { class: overdue ? 'card-meta due-late' : 'card-meta', text: dueText }),
      h('p', { class: 'card-meta from-session' },
        h('span', { text: t('brief.agreed_at') }), ' ',
        sessionId
          ? h('a', { href: `#/sessions/${encodeURIComponent(sessionId)}`, dir: 'auto', text: sessionTitle || sessionId })
          : h('span', { dir: 'auto', text: sessionTitle }),
        c.session_date ? ` (${fmtDate(c.session_date)})` : null),
      followUps.length
        ? h('ol', { class: 'timeline brief-follow-ups', 'aria-label': t('commitment.follow_ups') },
          followUps.map((u) => h('li', { class: 'follow-up', 'data-testid': 'brief-follow-up' },
            h('p', { class: 'follow-up-head' },
              h('span', { class: 'follow-up-date', text: fmtDate(u.date) }),
              statusBadge(textOf(u.status), false)),
            u.note ? h('p', { class: 'prewrap', dir: 'auto', text: textOf(u.note) }) : null)))
        : h('p', { class: 'hint', text: t('commitment.no_follow_ups') }),
      id ? h('p', { class: 'card-action' },
        h('a', { class: 'card-more', href: `#/commitments/${encodeURIComponent(id)}`, text: t('brief.follow_up_link') })) : null));
  }

  // ---------------------------------------------------------------- sync

  function onSyncScreen() {
    return app.unlocked && app.route !== null && app.route.name === 'sync';
  }

  function showSync(focus) {
    showScreen('sync', focus);
    setAlert($('sync-error'), '');
    if (!app.sync.running) setStage('');
    loadSync();
  }

  // GET /api/sync, then again every SYNC_POLL_MS while a sync runs (less
  // often away from this screen). The answer comes from memory while a
  // sync runs, so polling never waits for the vault.
  async function loadSync() {
    clearTimeout(app.sync.timer);
    const seq = ++app.sync.seq;
    const gen = app.gen;
    let running = app.sync.running;
    try {
      const data = await api('GET', '/api/sync');
      if (seq !== app.sync.seq || gen !== app.gen) return;
      const wasRunning = app.sync.running;
      running = data.running === true;
      renderSync(data);
      if (wasRunning && !running) syncEnded(objectOf(data.last));
    } catch (e) {
      if (seq !== app.sync.seq || gen !== app.gen || isHandled(e)) return;
      if (onSyncScreen()) setAlert($('sync-error'), errorText(e));
    }
    // Also after a failed poll while a sync ran: it may still run.
    if (running) {
      app.sync.timer = window.setTimeout(loadSync, onSyncScreen() ? SYNC_POLL_MS : SYNC_POLL_AWAY_MS);
    }
  }

  function renderSync(data) {
    const enrolled = data.enrolled === true;
    const running = data.running === true;
    app.sync.running = running;
    $('sync-not-enrolled').hidden = enrolled;
    const server = textOf(data.server);
    $('sync-server').textContent = server;
    $('sync-server-facts').hidden = !server;
    $('sync-now').hidden = !enrolled;
    updateSyncButton();
    renderProgress(running ? objectOf(data.progress) : null);
    renderLastSync(data.last);
  }

  // The button stays focusable while a sync runs (aria-disabled, not
  // disabled), so that the keyboard's place is not lost under it.
  function updateSyncButton() {
    const button = $('sync-now');
    const busy = app.sync.running || app.sync.starting;
    button.setAttribute('aria-disabled', busy ? 'true' : 'false');
    button.dataset.i18n = busy ? 'sync.running_button' : 'sync.now';
    button.textContent = t(button.dataset.i18n);
  }

  function setStage(text) {
    const el = $('sync-stage');
    if (el.textContent !== text) el.textContent = text;
  }

  function stageText(p) {
    const pushed = numberOf(p.pushed);
    const toPush = numberOf(p.to_push);
    switch (p.stage) {
      case 'connecting': return t('sync.stage_connecting');
      case 'pushing': return toPush > 0 ? t('sync.stage_pushing', { n: pushed, total: toPush }) : t('sync.stage_pushing_start');
      case 'pulling': return t('sync.stage_pulling', { n: numberOf(p.pulled) });
      // `attempts` counts the exchanges started: the one awaited is the next.
      case 'waiting': return t('sync.stage_waiting', { n: numberOf(p.attempts) + 1 });
      default: return t('sync.stage_other');
    }
  }

  // The bar measures what is sent: determinate once the number to send is
  // known, indeterminate before (and when there is nothing to send).
  function renderProgress(p) {
    const box = $('sync-progress');
    if (!p) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const bar = $('sync-bar');
    const toPush = numberOf(p.to_push);
    if (toPush > 0) {
      bar.max = toPush;
      bar.value = Math.min(numberOf(p.pushed), toPush);
    } else {
      bar.removeAttribute('value');
    }
    setStage(stageText(p));
  }

  // Why a sync failed, in the page's language; the English message only
  // where no explanation fits (for whoever helps).
  const SYNC_FAILURES = {
    unavailable: 'sync.error_unavailable',
    permission_denied: 'sync.error_permission_denied',
    cancelled: 'sync.error_cancelled',
  };

  function syncFailure(last) {
    const code = textOf(last.code);
    const key = Object.prototype.hasOwnProperty.call(SYNC_FAILURES, code) ? SYNC_FAILURES[code] : '';
    const out = [h('p', { class: 'sync-explain', 'data-testid': 'sync-last-explanation', 'data-code': code, text: t(key || 'sync.error_other') })];
    if (!key && textOf(last.message)) {
      out.push(h('details', { class: 'sync-details', 'data-testid': 'sync-last-details' },
        h('summary', { text: t('sync.details') }),
        h('p', { class: 'server-message', lang: 'en', dir: 'ltr', text: textOf(last.message) })));
    }
    return out;
  }

  function renderLastSync(value) {
    const box = $('sync-last-body');
    clear(box);
    $('sync-last').hidden = false;
    if (!value || typeof value !== 'object') {
      box.append(emptyText('sync.never', 'sync-never'));
      return;
    }
    const last = value;
    const ok = last.ok === true;
    const when = typeof last.finished_at === 'number' ? fmtLocalDateTime(last.finished_at) : '';
    box.append(h('p', { class: 'sync-outcome' },
      h('span', {
        class: `badge ${ok ? 'outcome-ok' : 'outcome-failed'}`, 'data-testid': 'sync-last-outcome',
        'data-ok': ok ? 'true' : 'false', text: t(ok ? 'sync.ok' : 'sync.failed'),
      }),
      when ? h('span', { class: 'sync-when', 'data-testid': 'sync-last-when', text: when }) : null));
    if (!ok) box.append(...syncFailure(last));
    const attempts = numberOf(last.attempts);
    const counts = dl([
      ['sync.pushed', fmtNum(numberOf(last.pushed)), { 'data-testid': 'sync-last-pushed' }],
      ['sync.pulled', fmtNum(numberOf(last.pulled)), { 'data-testid': 'sync-last-pulled' }],
      ['sync.rejected', fmtNum(numberOf(last.rejected)), { 'data-testid': 'sync-last-rejected' }],
      ['sync.attempts', attempts > 1 ? fmtNum(attempts) : '', { 'data-testid': 'sync-last-attempts' }],
    ]);
    counts.classList.add('sync-counts');
    box.append(counts);
    const rejected = numberOf(last.rejected);
    if (rejected > 0) box.append(h('p', { class: 'notice', 'data-testid': 'sync-last-rejected-note', text: tn('sync.rejected_note', rejected) }));
  }

  // Said in the live line under the button on this screen; elsewhere in
  // the page's status line.
  function syncEnded(last) {
    const ok = last.ok === true;
    const text = ok
      ? t('sync.done_ok', { pushed: numberOf(last.pushed), pulled: numberOf(last.pulled) })
      : t('sync.done_failed');
    if (onSyncScreen()) setStage(text);
    else announce(text);
  }

  async function onSyncNow() {
    if (app.sync.running || app.sync.starting) return;
    app.sync.starting = true;
    updateSyncButton();
    setAlert($('sync-error'), '');
    const gen = app.gen;
    try {
      await api('POST', '/api/sync', {});
      if (gen !== app.gen) return;
      app.sync.running = true;
      renderProgress({ stage: 'connecting' });
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      // sync_running: one runs already, polling shows it; not_enrolled:
      // polling shows why there is no button.
      if (!(e instanceof ApiError && e.code === 'sync_running')) setAlert($('sync-error'), errorText(e));
    } finally {
      if (gen === app.gen) {
        app.sync.starting = false;
        updateSyncButton();
      }
    }
    if (gen === app.gen) loadSync();
  }

  // On lock: nothing of the report, the brief or the places stays.
  function forgetFigures() {
    clearTimeout(app.sync.timer);
    app.report = Object.assign(newReportState(), { seq: app.report.seq + 1 });
    app.brief = Object.assign(newBriefState(), { seq: app.brief.seq + 1 });
    app.sync = Object.assign(newSyncState(), { seq: app.sync.seq + 1 });
    app.places = null;
    app.placesSeq += 1;
    $('report-form').reset();
    $('report-filter-fields').hidden = true;
    $('report-filters-toggle').setAttribute('aria-expanded', 'false');
    clear($('report-body'));
    setAlert($('report-error'), '');
    $('brief-form').reset();
    clear($('brief-body'));
    setAlert($('brief-error'), '');
    for (const el of document.querySelectorAll('#report-form [aria-invalid], #brief-form [aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const id of ['place-countries', 'place-regions', 'place-communes']) clear($(id));
    $('sync-server').textContent = '';
    $('sync-progress').hidden = true;
    $('sync-stage').textContent = '';
    clear($('sync-last-body'));
    $('sync-last').hidden = true;
    setAlert($('sync-error'), '');
  }

  // ---------------------------------------------------------------- vocabulary selects

  function fillSelect(sel, codes, prefix, emptyKey) {
    const value = sel.value;
    clear(sel);
    if (emptyKey) sel.append(h('option', { value: '', i18n: emptyKey, text: t(emptyKey) }));
    for (const code of codes) {
      const key = `${prefix}.${code}`;
      sel.append(h('option', { value: code, i18n: has(key) ? key : null, text: vname(prefix, code) }));
    }
    if (Array.from(sel.options).some((o) => o.value === value)) sel.value = value;
  }

  function refreshVocabularyOptions() {
    const v = app.vocab;
    fillSelect($('filter-kind'), v.kinds, 'kind', 'sessions.filter_kind_any');
    fillSelect($('f-kind'), v.kinds, 'kind', 'form.choose');
    fillSelect($('f-attribution'), v.attributions, 'attribution', null);
    fillSelect($('fu-status'), v.statuses, 'status', null);
    for (const sel of document.querySelectorAll('select[data-vocab="categories"]')) fillSelect(sel, v.categories, 'category', 'form.choose');
    for (const sel of document.querySelectorAll('select[data-vocab="groups"]')) fillSelect(sel, v.groups, 'group', 'form.raised_by_none');
    const dl2 = $('country-list');
    clear(dl2);
    for (const code of SUGGESTED_COUNTRIES) dl2.append(h('option', { value: code, text: countryName(code) }));
  }

  // ---------------------------------------------------------------- the session form

  function buildParticipants() {
    const box = $('participants');
    clear(box);
    for (const dim of DIMENSIONS) {
      const rows = h('div', { class: 'steppers' });
      for (const code of app.vocab[dim.list] || []) {
        const id = `p-${dim.key}-${code}`;
        const nameKey = `${dim.prefix}.${code}`;
        rows.append(h('div', { class: 'stepper' },
          h('label', { for: id, i18n: nameKey, text: vname(dim.prefix, code) }),
          h('div', { class: 'stepper-controls' },
            h('button', {
              type: 'button', class: 'btn btn-step', 'data-step': '-1', 'data-target': id,
              'data-i18n-aria-label': 'form.decrease', args: { name: `@${nameKey}` },
              'aria-label': t('form.decrease', { name: vname(dim.prefix, code) }),
              'data-testid': `dec-${dim.key}-${code}`, text: '−',
            }),
            h('input', {
              type: 'number', id, class: 'count-input', inputmode: 'numeric', min: '0', max: String(MAX_COUNT),
              step: '1', placeholder: '0', 'data-dim': dim.key, 'data-code': code,
              'data-testid': `field-${dim.key}-${code}`,
            }),
            h('button', {
              type: 'button', class: 'btn btn-step', 'data-step': '1', 'data-target': id,
              'data-i18n-aria-label': 'form.increase', args: { name: `@${nameKey}` },
              'aria-label': t('form.increase', { name: vname(dim.prefix, code) }),
              'data-testid': `inc-${dim.key}-${code}`, text: '+',
            }))));
      }
      const legendKey = `form.${dim.key}`;
      const details = h('details', { class: 'dim', 'data-dim': dim.key, open: dim.open },
        h('summary', null,
          h('span', { class: 'dim-name', i18n: legendKey, text: t(legendKey) }),
          h('span', { class: 'dim-total', 'data-total': dim.key, 'data-testid': `total-${dim.key}` })),
        h('fieldset', { class: 'dim-fieldset' },
          h('legend', { class: 'visually-hidden', i18n: legendKey, text: t(legendKey) }),
          rows));
      box.append(details);
    }
    updateTotals();
  }

  function countValue(input) {
    const v = input.value.trim();
    if (v === '') return null;
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && n <= MAX_COUNT ? n : NaN;
  }

  function updateTotals() {
    for (const dim of DIMENSIONS) {
      let sum = 0;
      for (const input of document.querySelectorAll(`#participants input[data-dim="${dim.key}"]`)) {
        const n = countValue(input);
        if (typeof n === 'number' && !Number.isNaN(n)) sum += n;
      }
      const el = document.querySelector(`[data-total="${dim.key}"]`);
      if (el) el.textContent = t('form.total', { n: sum });
    }
  }

  function onStep(button) {
    const input = $(button.dataset.target);
    if (!input) return;
    const cur = countValue(input);
    const base = typeof cur === 'number' && !Number.isNaN(cur) ? cur : 0;
    const next = Math.min(MAX_COUNT, Math.max(0, base + Number(button.dataset.step)));
    input.value = String(next);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }

  // Repeatable lists: agenda and agreements (text items), concerns and
  // commitments (blocks). Each item is renumbered after any change.

  const LISTS = {
    agenda: { list: 'agenda-list', add: 'add-agenda', kind: 'text', label: 'form.agenda_item', remove: 'form.remove_agenda_item', testid: 'agenda', max: 2000 },
    agreement: { list: 'agreement-list', add: 'add-agreement', kind: 'text', label: 'form.agreement_item', remove: 'form.remove_agreement_item', testid: 'agreement', max: 2000 },
    concern: { list: 'concern-list', add: 'add-concern', kind: 'concern', label: 'form.concern_n', remove: 'form.remove_concern', testid: 'concern' },
    commitment: { list: 'commitment-list', add: 'add-commitment', kind: 'commitment', label: 'form.commitment_n', remove: 'form.remove_commitment', testid: 'commitment' },
  };

  function removeButton(type) {
    const cfg = LISTS[type];
    return h('button', {
      type: 'button', class: 'btn btn-remove', 'data-remove': type,
      'data-i18n-aria-label': cfg.remove, 'data-role': 'remove', i18n: 'form.remove', text: t('form.remove'),
    });
  }

  function field(labelKey, control, opts) {
    const o = opts || {};
    const id = control.id;
    const label = h('label', { for: id },
      h('span', { i18n: labelKey, 'data-role': o.role || null, text: t(labelKey) }),
      o.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null);
    const hint = o.hint ? h('p', { class: 'hint', id: `${id}-hint`, i18n: o.hint, text: t(o.hint) }) : null;
    if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
    return h('div', { class: 'field' }, label, control, hint);
  }

  function addItem(type, value, focus) {
    const cfg = LISTS[type];
    const list = $(cfg.list);
    let li;
    if (cfg.kind === 'text') {
      const id = uid(type);
      const ta = h('textarea', { id, rows: '2', dir: 'auto', maxlength: String(cfg.max), 'data-part': 'text' });
      ta.value = typeof value === 'string' ? value : '';
      li = h('li', { class: 'item', 'data-item': type },
        h('div', { class: 'field' },
          h('label', { for: id, 'data-role': 'label', i18n: cfg.label }),
          h('div', { class: 'item-row' }, ta, removeButton(type))));
    } else if (cfg.kind === 'concern') {
      const v = value && typeof value === 'object' ? value : {};
      const cat = h('select', { id: uid('concern-cat'), 'data-vocab': 'categories', 'data-part': 'category', 'aria-required': 'true' });
      const by = h('select', { id: uid('concern-by'), 'data-vocab': 'groups', 'data-part': 'raised_by' });
      const sum = h('textarea', { id: uid('concern-sum'), rows: '3', dir: 'auto', maxlength: '4000', 'data-part': 'summary', 'aria-required': 'true' });
      fillSelect(cat, app.vocab.categories, 'category', 'form.choose');
      fillSelect(by, app.vocab.groups, 'group', 'form.raised_by_none');
      if (typeof v.category === 'string') cat.value = v.category;
      if (typeof v.raised_by === 'string') by.value = v.raised_by;
      sum.value = typeof v.summary === 'string' ? v.summary : '';
      li = h('li', { class: 'block', 'data-item': type },
        h('fieldset', { class: 'block-fieldset' },
          h('legend', { 'data-role': 'label', i18n: cfg.label }),
          field('form.concern_category', cat, { required: true }),
          field('form.concern_raised_by', by),
          field('form.concern_summary', sum, { required: true }),
          h('div', { class: 'block-actions' }, removeButton(type))));
    } else {
      const v = value && typeof value === 'object' ? value : {};
      const action = h('textarea', { id: uid('cm-action'), rows: '2', dir: 'auto', maxlength: '2000', 'data-part': 'action', 'aria-required': 'true' });
      const owner = h('input', { id: uid('cm-owner'), dir: 'auto', maxlength: '300', 'data-part': 'owner', 'aria-required': 'true' });
      const due = h('input', { id: uid('cm-due'), type: 'date', 'data-part': 'due' });
      action.value = typeof v.action === 'string' ? v.action : '';
      owner.value = typeof v.owner === 'string' ? v.owner : '';
      due.value = typeof v.due === 'string' && parseDate(v.due) !== null ? v.due : '';
      li = h('li', { class: 'block', 'data-item': type },
        h('fieldset', { class: 'block-fieldset' },
          h('legend', { 'data-role': 'label', i18n: cfg.label }),
          field('form.commitment_action', action, { required: true }),
          field('form.commitment_owner', owner, { required: true, hint: 'form.commitment_owner_hint' }),
          field('form.commitment_due', due),
          h('div', { class: 'block-actions' }, removeButton(type))));
    }
    list.append(li);
    renumber(type);
    if (focus) {
      const first = li.querySelector('textarea, select, input');
      if (first) first.focus();
    }
    return li;
  }

  function renumber(type) {
    const cfg = LISTS[type];
    const items = Array.from($(cfg.list).children);
    items.forEach((li, i) => {
      const n = i + 1;
      li.setAttribute('data-testid', `${cfg.testid}-item`);
      for (const el of li.querySelectorAll('[data-role="label"]')) {
        el.dataset.i18nArgs = JSON.stringify({ n });
      }
      const rm = li.querySelector('[data-role="remove"]');
      rm.dataset.i18nArgs = JSON.stringify({ n });
      rm.setAttribute('data-testid', `remove-${cfg.testid}-${i}`);
      for (const part of li.querySelectorAll('[data-part]')) {
        const suffix = cfg.kind === 'text' ? '' : `-${part.dataset.part}`;
        part.setAttribute('data-testid', `field-${cfg.testid}-${i}${suffix}`);
      }
      applyStrings(li);
    });
  }

  function renumberAll() {
    for (const type of Object.keys(LISTS)) renumber(type);
  }

  function removeItem(button) {
    const type = button.dataset.remove;
    const cfg = LISTS[type];
    const li = button.closest('li');
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    renumber(type);
    if (next) {
      const f = next.querySelector('textarea, select, input');
      if (f) f.focus();
    } else {
      $(cfg.add).focus();
    }
    announce(t('form.removed'));
    markDirty();
  }

  function localOffset(date, time) {
    const d = parseDate(date);
    let probe = new Date();
    if (d !== null) {
      const m = /^(\d{2}):(\d{2})/.exec(time || '12:00');
      const dt = new Date(d);
      probe = new Date(dt.getUTCFullYear(), dt.getUTCMonth(), dt.getUTCDate(), m ? +m[1] : 12, m ? +m[2] : 0);
    }
    const minutes = -probe.getTimezoneOffset();
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  function composeTime(date, time) {
    return `${date}T${time.slice(0, 5)}:00${localOffset(date, time)}`;
  }

  function updateOffsetHint() {
    const el = $('f-offset-hint');
    if (!el || !has('form.offset_hint')) return;
    el.textContent = t('form.offset_hint', { offset: localOffset($('f-start-date').value, $('f-start-time').value) });
  }

  function fieldLabel(el) {
    if (el.labels && el.labels.length) {
      const span = el.labels[0].querySelector('[data-i18n]');
      return (span || el.labels[0]).textContent.trim();
    }
    return el.getAttribute('aria-label') || '';
  }

  // The form as a session record. mode 'save': empty optional fields and
  // empty list items are left out, and `problems` lists what the record rules
  // would refuse; mode 'draft': everything typed so far, in record shape.
  // `paths` maps each JSON path of the record to its form control.
  function collectRecord(mode) {
    const save = mode === 'save';
    const rec = { format: FORMAT };
    const paths = {};
    const problems = [];
    const need = (el, key) => problems.push({ el, text: t(key || 'validation.required', { field: fieldLabel(el) }) });

    const kind = $('f-kind');
    paths.kind = kind;
    if (kind.value) rec.kind = kind.value;
    else if (save) need(kind);

    const title = $('f-title');
    paths.title = title;
    if (title.value.trim()) rec.title = title.value.trim();
    else if (save) need(title);

    const sd = $('f-start-date');
    const st = $('f-start-time');
    paths.started_at = sd.value && !st.value ? st : sd;
    if (sd.value && st.value) {
      rec.started_at = composeTime(sd.value, st.value);
    } else if (save) {
      if (!sd.value) need(sd);
      if (!st.value) need(st);
    } else if (sd.value) {
      rec.started_at = sd.value;
    }

    const ed = $('f-end-date');
    const et = $('f-end-time');
    paths.ended_at = et;
    if (et.value) {
      const date = ed.value || sd.value;
      if (date) {
        rec.ended_at = composeTime(date, et.value);
        if (save && rec.started_at) {
          const a = Date.parse(rec.started_at);
          const b = Date.parse(rec.ended_at);
          if (!Number.isNaN(a) && !Number.isNaN(b) && b < a) {
            problems.push({ el: et, text: t('validation.end_before_start') });
          }
        }
      } else if (save) {
        need(ed);
      }
    } else if (ed.value) {
      if (save) need(et);
      else rec.ended_at = ed.value;
    }

    const place = {};
    const country = $('f-country');
    paths.place = country;
    paths['place.country'] = country;
    const cc = country.value.trim().toUpperCase();
    if (cc) place.country = cc;
    if (save) {
      if (!cc) need(country);
      else if (!/^[A-Z]{2}$/.test(cc)) need(country, 'validation.country');
    }
    for (const k of ['region', 'commune']) {
      const el = $(`f-${k}`);
      paths[`place.${k}`] = el;
      if (el.value.trim()) place[k] = el.value.trim();
    }
    rec.place = place;

    const attribution = $('f-attribution');
    paths.attribution = attribution;
    if (attribution.value) rec.attribution = attribution.value;

    const participants = {};
    for (const dim of DIMENSIONS) {
      const counts = {};
      for (const input of document.querySelectorAll(`#participants input[data-dim="${dim.key}"]`)) {
        const path = `participants.${dim.key}.${input.dataset.code}`;
        paths[path] = input;
        if (!paths[`participants.${dim.key}`]) paths[`participants.${dim.key}`] = input;
        if (!paths.participants) paths.participants = input;
        const n = countValue(input);
        if (n === null) continue;
        if (Number.isNaN(n)) {
          if (save) problems.push({ el: input, text: t('validation.count', { field: `${t(`form.${dim.key}`)} — ${fieldLabel(input)}` }) });
          continue;
        }
        counts[input.dataset.code] = n;
      }
      if (Object.keys(counts).length) participants[dim.key] = counts;
    }
    if (Object.keys(participants).length) rec.participants = participants;

    const textItems = (type, key) => {
      const out = [];
      for (const ta of $(LISTS[type].list).querySelectorAll('textarea[data-part="text"]')) {
        const v = ta.value.trim();
        if (!v && save) continue;
        paths[`${key}[${out.length}]`] = ta;
        if (!paths[key]) paths[key] = ta;
        out.push(v);
      }
      if (out.length) rec[key] = out;
    };
    textItems('agenda', 'agenda');

    const concerns = [];
    for (const li of $('concern-list').children) {
      const cat = li.querySelector('[data-part="category"]');
      const by = li.querySelector('[data-part="raised_by"]');
      const sum = li.querySelector('[data-part="summary"]');
      const c = {};
      if (cat.value) c.category = cat.value;
      if (by.value) c.raised_by = by.value;
      if (sum.value.trim()) c.summary = sum.value.trim();
      if (save && !Object.keys(c).length) continue;
      const i = concerns.length;
      paths[`concerns[${i}]`] = cat;
      paths[`concerns[${i}].category`] = cat;
      paths[`concerns[${i}].raised_by`] = by;
      paths[`concerns[${i}].summary`] = sum;
      if (!paths.concerns) paths.concerns = cat;
      if (save) {
        if (!c.category) need(cat);
        if (!c.summary) need(sum);
      }
      concerns.push(c);
    }
    if (concerns.length) rec.concerns = concerns;

    textItems('agreement', 'agreements');

    const commitments = [];
    for (const li of $('commitment-list').children) {
      const action = li.querySelector('[data-part="action"]');
      const owner = li.querySelector('[data-part="owner"]');
      const due = li.querySelector('[data-part="due"]');
      const c = {};
      if (action.value.trim()) c.action = action.value.trim();
      if (owner.value.trim()) c.owner = owner.value.trim();
      if (due.value) c.due = due.value;
      if (save && !Object.keys(c).length) continue;
      const i = commitments.length;
      paths[`commitments[${i}]`] = action;
      paths[`commitments[${i}].action`] = action;
      paths[`commitments[${i}].owner`] = owner;
      paths[`commitments[${i}].due`] = due;
      if (!paths.commitments) paths.commitments = action;
      if (save) {
        if (!c.action) need(action);
        if (!c.owner) need(owner);
      }
      commitments.push(c);
    }
    if (commitments.length) rec.commitments = commitments;

    const notes = $('f-notes');
    paths.notes = notes;
    if (notes.value.trim()) rec.notes = notes.value;
    else if (!save && notes.value) rec.notes = notes.value;

    const next = $('f-next');
    paths.next_meeting = next;
    if (next.value) rec.next_meeting = next.value;

    return { record: rec, paths, problems };
  }

  // Refill the form from a draft (or any record-shaped object): tolerant of
  // anything, since a draft may be half-typed.
  function fillForm(d) {
    resetForm();
    const str = (v) => (typeof v === 'string' ? v : '');
    if (str(d.kind)) $('f-kind').value = d.kind;
    $('f-title').value = str(d.title);
    const split = (v) => {
      const m = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}))?/.exec(str(v));
      return m ? [m[1], m[2] || ''] : ['', ''];
    };
    const [sd, st] = split(d.started_at);
    $('f-start-date').value = sd;
    $('f-start-time').value = st;
    const [ed, et] = split(d.ended_at);
    $('f-end-date').value = ed && ed !== sd ? ed : (et ? '' : ed);
    $('f-end-time').value = et;
    const place = d.place && typeof d.place === 'object' ? d.place : {};
    $('f-country').value = str(place.country);
    $('f-region').value = str(place.region);
    $('f-commune').value = str(place.commune);
    if (str(d.attribution)) $('f-attribution').value = d.attribution;
    const p = d.participants && typeof d.participants === 'object' ? d.participants : {};
    for (const dim of DIMENSIONS) {
      const counts = p[dim.key] && typeof p[dim.key] === 'object' ? p[dim.key] : {};
      let any = false;
      for (const [code, n] of Object.entries(counts)) {
        const input = $(`p-${dim.key}-${code}`);
        if (input && (typeof n === 'number' || typeof n === 'string')) {
          input.value = String(n);
          any = true;
        }
      }
      const det = document.querySelector(`details[data-dim="${dim.key}"]`);
      if (det && any) det.open = true;
    }
    const arr = (v) => (Array.isArray(v) ? v : []);
    for (const x of arr(d.agenda)) addItem('agenda', x, false);
    for (const x of arr(d.concerns)) addItem('concern', x, false);
    for (const x of arr(d.agreements)) addItem('agreement', x, false);
    for (const x of arr(d.commitments)) addItem('commitment', x, false);
    $('f-notes').value = str(d.notes);
    $('f-next').value = parseDate(d.next_meeting) !== null ? d.next_meeting : '';
    updateTotals();
    updateOffsetHint();
  }

  function resetForm() {
    clearTimeout(app.form.timer);
    $('session-form').reset();
    for (const type of Object.keys(LISTS)) clear($(LISTS[type].list));
    for (const input of document.querySelectorAll('#participants input')) input.value = '';
    for (const dim of DIMENSIONS) {
      const det = document.querySelector(`details[data-dim="${dim.key}"]`);
      if (det) det.open = dim.open;
    }
    if ($('f-attribution').options.length) {
      $('f-attribution').value = app.vocab.attributions.includes('chatham_house') ? 'chatham_house' : $('f-attribution').options[0].value;
    }
    clearFormErrors();
    $('draft-restored').hidden = true;
    $('draft-restored').textContent = '';
    $('draft-state').textContent = '';
    showDiscard(false);
    updateTotals();
    updateOffsetHint();
  }

  function applyDefaults() {
    if (app.today && !$('f-start-date').value) $('f-start-date').value = app.today;
    updateOffsetHint();
  }

  // Country from the latest session, when the form is fresh.
  async function defaultCountry() {
    const gen = app.gen;
    try {
      const data = await api('GET', '/api/sessions?limit=1');
      if (gen !== app.gen || app.form.dirty || $('f-country').value) return;
      const s = Array.isArray(data.sessions) ? data.sessions[0] : null;
      if (s && typeof s.country === 'string' && /^[A-Za-z]{2}$/.test(s.country)) $('f-country').value = s.country.toUpperCase();
    } catch (e) { /* optional */ }
  }

  async function openForm() {
    if (app.form.loaded) return;
    app.form.loaded = true;
    const gen = app.gen;
    const form = $('session-form');
    resetForm();
    form.inert = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const data = await api('GET', '/api/draft');
      if (gen !== app.gen) return;
      if (data && data.draft && typeof data.draft === 'object' && !Array.isArray(data.draft)) {
        fillForm(data.draft);
        app.form.hasDraft = true;
        showDiscard(true);
        const when = data.saved_at ? fmtLocalClock(data.saved_at) : '';
        const msg = when ? t('draft.restored_at', { time: when }) : t('draft.restored');
        $('draft-restored').textContent = msg;
        $('draft-restored').hidden = false;
        announce(msg, false);
      } else {
        applyDefaults();
        defaultCountry();
      }
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      app.form.loaded = false;
      applyDefaults();
      $('draft-state').textContent = t('draft.load_failed');
    } finally {
      if (gen === app.gen) {
        form.inert = false;
        form.removeAttribute('aria-busy');
      }
    }
  }

  function markDirty() {
    app.form.dirty = true;
    clearTimeout(app.form.timer);
    app.form.timer = window.setTimeout(saveDraft, DRAFT_DELAY_MS);
    showDiscard(true);
  }

  function onFormInput(ev) {
    const target = ev.target;
    if (target && target.removeAttribute) target.removeAttribute('aria-invalid');
    if (target && target.dataset && target.dataset.dim) updateTotals();
    if (target && (target.id === 'f-start-date' || target.id === 'f-start-time')) updateOffsetHint();
    markDirty();
  }

  // Draft requests run one after another, so that a DELETE never overtakes a PUT.
  function queueDraft(fn) {
    const p = app.form.queue.then(fn);
    app.form.queue = p.then(() => {}, () => {});
    return p;
  }

  function saveDraftNow() {
    if (app.form.timer) saveDraft();
  }

  function saveDraft() {
    clearTimeout(app.form.timer);
    app.form.timer = 0;
    if (!app.form.dirty || !app.unlocked || app.form.saving) return;
    app.form.dirty = false;
    const gen = app.gen;
    const draft = collectRecord('draft').record;
    $('draft-state').textContent = t('draft.saving');
    queueDraft(() => api('PUT', '/api/draft', { draft })).then((res) => {
      if (gen !== app.gen) return;
      app.form.hasDraft = true;
      const when = res && res.saved_at ? fmtLocalClock(res.saved_at) : '';
      $('draft-state').textContent = when ? t('draft.saved_at', { time: when }) : t('draft.saved');
    }, (e) => {
      if (gen !== app.gen || isHandled(e)) return;
      app.form.dirty = true;
      $('draft-state').textContent = t('draft.save_failed', { error: errorText(e) });
    });
  }

  function showDiscard(show) {
    $('discard-draft').hidden = !show;
    if (!show) $('discard-confirm').hidden = true;
  }

  async function discardDraft() {
    clearTimeout(app.form.timer);
    app.form.dirty = false;
    const gen = app.gen;
    try {
      await queueDraft(() => api('DELETE', '/api/draft'));
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      $('draft-state').textContent = errorText(e);
      return;
    }
    if (gen !== app.gen) return;
    app.form.hasDraft = false;
    resetForm();
    applyDefaults();
    defaultCountry();
    announce(t('draft.discarded'));
    $('f-kind').focus();
  }

  function clearFormErrors() {
    const box = $('form-error');
    box.hidden = true;
    $('form-error-lead').textContent = '';
    $('form-error-server').textContent = '';
    $('form-error-server').hidden = true;
    clear($('form-error-list'));
    for (const el of $('session-form').querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function focusField(el) {
    const det = el.closest('details');
    if (det) det.open = true;
    el.focus();
    el.scrollIntoView({ block: 'center' });
  }

  // problems: [{el, text}]; server: the server's message, shown as given.
  function showFormErrors(lead, problems, server) {
    clearFormErrors();
    const box = $('form-error');
    $('form-error-lead').textContent = lead;
    if (server) {
      $('form-error-server').textContent = server;
      $('form-error-server').hidden = false;
    }
    const list = $('form-error-list');
    for (const p of problems) {
      if (p.el) p.el.setAttribute('aria-invalid', 'true');
      list.append(h('li', null, p.el
        ? h('button', { type: 'button', class: 'error-link', onclick: () => focusField(p.el), text: p.text })
        : h('span', { text: p.text })));
    }
    box.hidden = false;
    box.scrollIntoView({ block: 'start' });
    box.focus({ preventScroll: true });
  }

  // The control a server path such as "commitments[0].due" names, or the
  // nearest one above it.
  function controlForPath(paths, path) {
    let p = path;
    while (p) {
      if (paths[p]) return paths[p];
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) break;
      p = p.slice(0, cut);
    }
    return null;
  }

  async function saveSession() {
    if (app.form.saving) return;
    clearFormErrors();
    const { record, paths, problems } = collectRecord('save');
    if (problems.length) {
      showFormErrors(t('form.errors_lead', { n: problems.length }), problems, '');
      return;
    }
    app.form.saving = true;
    const button = $('save-button');
    button.disabled = true;
    button.textContent = t('form.saving');
    clearTimeout(app.form.timer);
    const gen = app.gen;
    try {
      const res = await api('POST', '/api/sessions', record);
      if (gen !== app.gen) return;
      app.form.dirty = false;
      try {
        await queueDraft(() => api('DELETE', '/api/draft'));
      } catch (e) { /* the session is saved; a stale draft is only a nuisance */ }
      if (gen !== app.gen) return;
      app.form.hasDraft = false;
      resetForm();
      app.form.loaded = false;
      announce(t('form.saved'));
      app.statusKeep = true;
      location.hash = `#/sessions/${encodeURIComponent(String(res.id || ''))}`;
    } catch (e) {
      if (gen !== app.gen || isHandled(e)) return;
      if (e instanceof ApiError && (e.code === 'invalid_record' || e.code === 'bad_request' || e.code === 'too_large')) {
        const m = /^([A-Za-z_][\w.[\]]*):\s/.exec(e.serverMessage);
        const el = m ? controlForPath(paths, m[1]) : null;
        const problemsList = el ? [{ el, text: t('form.go_to_field', { field: fieldLabel(el) }) }] : [];
        showFormErrors(errorText(e), problemsList, e.serverMessage);
      } else {
        showFormErrors(errorText(e), [], '');
      }
      markDirty();
    } finally {
      app.form.saving = false;
      button.disabled = false;
      button.textContent = t('form.save');
    }
  }

  // ---------------------------------------------------------------- board jump

  function onJump(ev) {
    const b = ev.target.closest('[data-jump]');
    if (!b) return;
    const head = $(`col-${b.dataset.jump}-title`);
    head.scrollIntoView({ block: 'start' });
    head.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    $('skip-link').addEventListener('click', (ev) => {
      ev.preventDefault();
      $('main').focus();
    });
    $('lang-select').addEventListener('change', async (ev) => {
      const lang = ev.target.value;
      try {
        await setLanguage(lang, true);
        if (app.unlocked && app.route && app.route.name !== 'new') route(false);
        else if (app.unlocked && app.route) showScreen(app.route.name === 'notfound' ? 'notfound' : app.route.name, false);
        else if (!app.ended && parseRoute().name === 'wipe') showWipe(false);
        else if (!app.ended) showUnlock(false);
        else showScreen(app.wiped ? 'wiped' : 'ended', false);
        $('lang-select').focus();
      } catch (e) {
        if (!isHandled(e)) announce(errorText(e));
        $('lang-select').value = app.lang;
      }
    });
    $('lock-button').addEventListener('click', () => {
      lockNow('user');
    });
    $('unlock-form').addEventListener('submit', onUnlockSubmit);
    $('wipe-form').addEventListener('submit', onWipeSubmit);
    $('wipe-word').addEventListener('input', () => {
      $('wipe-button').disabled = !wipeWordTyped();
      setAlert($('wipe-error'), '');
    });
    $('passphrase').addEventListener('input', () => {
      $('passphrase').removeAttribute('aria-invalid');
      setAlert($('unlock-error'), '');
    });
    $('passphrase-toggle').addEventListener('click', () => {
      setPassphraseVisible($('passphrase').type === 'password');
    });
    $('search-form').addEventListener('submit', onSearchSubmit);
    $('search-text').addEventListener('input', onSearchInput);
    $('filters-toggle').addEventListener('click', toggleFilters);
    $('filters-clear').addEventListener('click', clearFilters);

    const form = $('session-form');
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      saveSession();
    });
    form.addEventListener('input', onFormInput);
    form.addEventListener('change', onFormInput);
    // Enter in a one-line field must not send a half-filled record.
    form.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && ev.target instanceof HTMLInputElement) ev.preventDefault();
    });
    form.addEventListener('click', (ev) => {
      const step = ev.target.closest('[data-step]');
      if (step) {
        onStep(step);
        return;
      }
      const rm = ev.target.closest('[data-remove]');
      if (rm) removeItem(rm);
    });
    $('add-agenda').addEventListener('click', () => { addItem('agenda', '', true); markDirty(); });
    $('add-agreement').addEventListener('click', () => { addItem('agreement', '', true); markDirty(); });
    $('add-concern').addEventListener('click', () => { addItem('concern', null, true); markDirty(); });
    $('add-commitment').addEventListener('click', () => { addItem('commitment', null, true); markDirty(); });
    $('discard-draft').addEventListener('click', () => {
      $('discard-draft').hidden = true;
      $('discard-confirm').hidden = false;
      $('discard-no').focus();
    });
    $('discard-no').addEventListener('click', () => {
      $('discard-confirm').hidden = true;
      $('discard-draft').hidden = false;
      $('discard-draft').focus();
    });
    $('discard-yes').addEventListener('click', () => {
      $('discard-confirm').hidden = true;
      discardDraft();
    });

    $('followup-form').addEventListener('submit', onFollowUpSubmit);
    $('board-jump').addEventListener('click', onJump);

    $('report-form').addEventListener('submit', onReportSubmit);
    $('report-filters-toggle').addEventListener('click', toggleReportFilters);
    $('report-clear').addEventListener('click', clearReportFilters);
    $('brief-form').addEventListener('submit', onBriefSubmit);
    // Regions and communes suggested for the country being typed.
    for (const id of ['report-country', 'brief-country']) {
      $(id).addEventListener('input', (ev) => {
        ev.target.removeAttribute('aria-invalid');
        fillPlaceLists(ev.target.value);
      });
    }
    $('report-to').addEventListener('input', () => $('report-to').removeAttribute('aria-invalid'));
    $('sync-now').addEventListener('click', onSyncNow);

    window.addEventListener('hashchange', () => route(true));
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = window.setTimeout(updateScrollRegions, 200);
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') checkIdle();
      else saveDraftNow();
    });
    window.addEventListener('pagehide', saveDraftNow);
  }

  // ---------------------------------------------------------------- start

  async function start() {
    wire();
    let stateRes;
    try {
      stateRes = await fetch('/api/state', {
        credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store',
      });
    } catch (e) {
      showScreen('fatal', true);
      return;
    }
    if (stateRes.status === 401) {
      // Without a session there is no string table either.
      app.ended = true;
      try {
        await setLanguage(pickLanguage(), false);
        showScreen('ended', true);
      } catch (e) {
        showScreen('fatal', true);
      }
      return;
    }
    try {
      takeState(await stateRes.json());
    } catch (e) {
      showScreen('fatal', true);
      return;
    }
    try {
      await setLanguage(pickLanguage(), false);
    } catch (e) {
      try {
        await setLanguage('en', false);
      } catch (e2) {
        showScreen('fatal', true);
        return;
      }
    }
    try {
      const v = await api('GET', '/api/vocabulary');
      const vocab = {};
      for (const k of Object.keys(FALLBACK_VOCABULARY)) {
        vocab[k] = Array.isArray(v[k]) && v[k].every((x) => typeof x === 'string') ? v[k] : FALLBACK_VOCABULARY[k];
      }
      app.vocab = vocab;
    } catch (e) {
      if (app.ended) return;
    }
    refreshVocabularyOptions();
    buildParticipants();
    resetForm();
    app.unlocked = app.state && app.state.locked === false;
    if (app.unlocked) noteActivity();
    route(!app.unlocked);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
