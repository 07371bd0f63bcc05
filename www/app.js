// The wallet page: boot, routing between views, locking. It holds no key: every action is a
// request to the Worker that @custodian/web starts (vendor/custodian-web/dist/worker.js, which
// loads the WebAssembly core); start.js starts it, before this module's graph has loaded. Views
// live in views/*.js and build their DOM with lib/dom.js (text only, never HTML strings: origins,
// labels and previews are untrusted).
//
// Routes (the hash; nothing secret ever goes in the URL): #/accounts, #/requests, #/sign,
// #/settings. Without a wallet the onboarding view shows, while locked the unlock view.
// `?mode=popup` is the embedded wallet's approval window: held site requests are decided
// through site-host.js instead of the core directly.

import { custodian } from './start.js';
import { byId } from './lib/dom.js';
import { describeError, errorKind, isMethodMissing } from './lib/errors.js';
import { devKdf } from './lib/kdf.js';
import { clearNotices } from './lib/audit-notice.js';
import { renderOnboarding } from './views/onboarding.js';
import { renderUnlock } from './views/unlock.js';
import { renderAccounts } from './views/accounts.js';
import { renderRequests } from './views/requests.js';
import { renderSign } from './views/sign.js';
import { renderSettings } from './views/settings.js';

/** @typedef {import('./lib/types.js').App} App */
/** @typedef {import('./lib/types.js').Decide} Decide */

const ROUTES = /** @type {const} */ (['accounts', 'requests', 'sign', 'settings']);
const RENDER = { accounts: renderAccounts, requests: renderRequests, sign: renderSign, settings: renderSettings };
const STATE_LABEL = { loading: 'Loading', empty: 'No wallet', locked: 'Locked', unlocked: 'Unlocked', error: 'Error' };
/** Interaction keeps an unlocked wallet awake, but asks the core at most this often. */
const KEEP_ALIVE_MS = 60_000;

const mode = new URLSearchParams(location.search).get('mode') === 'popup' ? 'popup' : 'standalone';

/** @type {'loading' | 'empty' | 'locked' | 'unlocked' | 'error'} */
let state = 'loading';
/** @type {(() => HTMLElement) | null} */
let pinned = null;
let currentView = 'loading';
let autoLockTimer = 0;
let lastKeepAlive = 0;
let restartExpected = false;
let generation = 0; // increases with every render, so a slow view does not replace a newer one
/** @type {{text: string, kind: 'info' | 'error' | 'success'} | null} said once the next view shows */
let pendingNote = null;

/**
 * @param {string} method
 * @param {object | unknown[]} [params]
 */
async function request(method, params) {
  try {
    return await custodian.request(params === undefined ? { method } : { method, params });
  } catch (error) {
    // The core locked itself (idle deadline) under a view that thought it was unlocked.
    if (errorKind(error) === 'Locked' && state === 'unlocked') queueMicrotask(() => void refresh().catch(fatal));
    throw error;
  }
}

/**
 * @param {string} text
 * @param {'info' | 'error' | 'success'} [kind]
 */
function say(text, kind = 'info') {
  const message = byId('message');
  message.textContent = text;
  message.dataset.kind = kind;
}

/** @param {unknown} error */
function fatal(error) {
  say(describeError(error), 'error');
}

/**
 * Replaces the view. A new view gets the focus on its heading, so keyboard and screen-reader
 * users start at its top; so does a re-render that removed the focused control (e.g. the
 * Approve button of a decided request), rather than dropping the focus to the page's start.
 * @param {string} name
 * @param {HTMLElement} element
 */
function show(name, element) {
  const changed = name !== currentView;
  currentView = name;
  document.body.dataset.view = name;
  const container = byId('view');
  // A control disabled while its request ran (Approve) has already dropped the focus to <body>.
  const hadFocus = container.contains(document.activeElement) || document.activeElement === document.body;
  if (container.firstElementChild !== element || container.childElementCount !== 1) container.replaceChildren(element);
  const lostFocus = hadFocus && !container.contains(document.activeElement);
  if (changed || lostFocus) {
    const heading = element.querySelector('h1');
    if (heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }
}

function setState(next) {
  state = next;
  const pill = byId('state-pill');
  pill.textContent = STATE_LABEL[next];
  pill.dataset.state = next;
  document.body.dataset.state = next;
  const unlocked = next === 'unlocked';
  byId('lock').hidden = !unlocked || pinned !== null;
  byId('nav').hidden = !unlocked || pinned !== null;
}

function route() {
  const name = location.hash.replace(/^#\/?/, '');
  return /** @type {(typeof ROUTES)[number]} */ (ROUTES.includes(/** @type {any} */ (name)) ? name : 'accounts');
}

function markNav(active) {
  for (const link of byId('nav').querySelectorAll('a[data-route]')) {
    if (link.getAttribute('data-route') === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

/** Asks the core again when its idle deadline comes, and shows the unlock view if it locked. */
function scheduleAutoLock(autoLockAt) {
  clearTimeout(autoLockTimer);
  if (typeof autoLockAt !== 'number') return;
  const wait = Math.min(Math.max(autoLockAt - Date.now() + 250, 1000), 2 ** 31 - 1);
  autoLockTimer = window.setTimeout(() => {
    void (async () => {
      const status = await request('wallet_status');
      if (status.state !== 'unlocked') {
        await refresh();
        say('Locked after the idle time set in Settings.');
      } else {
        scheduleAutoLock(status.autoLockAt);
      }
    })().catch(fatal);
  }, wait);
}

async function updateRequestCount() {
  const badge = byId('request-count');
  if (state !== 'unlocked') {
    badge.hidden = true;
    return;
  }
  try {
    const held = await request('wallet_listRequests', {});
    badge.textContent = String(held.length);
    badge.hidden = held.length === 0;
    badge.setAttribute('aria-label', `${held.length} waiting`);
  } catch (error) {
    badge.hidden = true;
    if (!isMethodMissing(error) && errorKind(error) !== 'Locked') throw error;
  }
}

/** Reads the wallet's state and shows the view that matches it. */
async function refresh() {
  const ticket = ++generation;
  const status = await request('wallet_status');
  if (ticket !== generation) return;
  if (status.state !== 'unlocked') {
    pinned = null; // a lock forgets whatever the onboarding held (the phrase)
    clearTimeout(autoLockTimer);
    clearNotices(); // what the last unlock found: the next one reports afresh
  }
  setState(status.state);
  if (status.state === 'empty') {
    show('onboarding', renderOnboarding(app));
    return;
  }
  if (status.state === 'locked') {
    show('unlock', renderUnlock(app));
    return;
  }
  scheduleAutoLock(status.autoLockAt);
  if (pinned !== null) {
    show('onboarding', pinned());
    return;
  }
  const name = route();
  markNav(name);
  const element = await RENDER[name](app);
  if (ticket !== generation) return;
  show(name, element);
  if (pendingNote !== null) {
    say(pendingNote.text, pendingNote.kind);
    pendingNote = null;
  }
  void updateRequestCount().catch(fatal);
}

/** @type {Decide} */
async function standaloneDecide(requestId, decision, options = {}) {
  if (decision === 'approve') {
    await request('wallet_approveRequest', options.accounts ? { requestId, accounts: options.accounts } : { requestId });
  } else {
    await request('wallet_rejectRequest', { requestId });
  }
}

/** @type {App} */
const app = {
  request,
  custodian,
  decide: standaloneDecide,
  mode,
  navigate(name, note) {
    pendingNote = note ?? null;
    if (location.hash === `#/${name}`) void refresh().catch(fatal);
    else location.hash = `#/${name}`;
  },
  say,
  refresh,
  pin(render) {
    pinned = render;
    byId('nav').hidden = state !== 'unlocked' || pinned !== null;
    byId('lock').hidden = state !== 'unlocked' || pinned !== null;
  },
  expectRestart(running) {
    restartExpected = running;
  },
  updateRequestCount() {
    void updateRequestCount().catch(fatal);
  },
};

if (mode === 'popup') {
  // The embedded wallet's window: site-host.js relays dapp requests and answers them with the
  // user's decision (written with the embed mode, not part of the standalone page).
  const { createSiteHost } = await import('./site-host.js');
  // While locked only the route changes: re-rendering the unlock view on each held request
  // would let a dapp clear what the user is typing (docs/threat-model.md, Review, session 2).
  const onHeld = () => {
    if (state === 'unlocked') app.navigate('requests');
    else if (location.hash !== '#/requests') location.hash = '#/requests';
  };
  const host = createSiteHost({ client: custodian.client, onHeld });
  app.decide = host.decide;
}

byId('lock').addEventListener('click', () => {
  void (async () => {
    await request('wallet_lock', {});
    await refresh();
    say('Locked.');
  })().catch(fatal);
});

// Following the link of the view already shown changes no hash: show that view afresh, so new
// held requests or sites appear.
byId('nav').addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-route]') : null;
  if (link && link.getAttribute('data-route') === route() && state === 'unlocked') {
    void refresh().catch(fatal);
  }
});

window.addEventListener('hashchange', () => {
  say('');
  if (state === 'unlocked') void refresh().catch(fatal);
});

// Using the wallet is not being idle: touch the core now and then while the user works.
for (const type of ['pointerdown', 'keydown']) {
  document.addEventListener(
    type,
    () => {
      if (state !== 'unlocked' || Date.now() - lastKeepAlive < KEEP_ALIVE_MS) return;
      lastKeepAlive = Date.now();
      void request('wallet_listAccounts', {})
        .then(() => request('wallet_status'))
        .then((status) => scheduleAutoLock(status.autoLockAt))
        .catch(() => undefined);
    },
    { passive: true },
  );
}

custodian.client.subscribe((event) => {
  if (event.type === 'event' && event.event === 'accountsChanged' && Array.isArray(event.data) && event.data.length === 0) {
    // The core locked (the lock button, another part of the app, or its idle deadline).
    if (state === 'unlocked') void refresh().catch(fatal);
  }
  if (event.type === 'stopped' && !restartExpected && state === 'unlocked') {
    byId('view').replaceChildren();
    fatal(event.error);
  }
  if (event.type === 'ready' && state !== 'loading' && !restartExpected) void refresh().catch(fatal);
});

byId('dev-note').hidden = devKdf() === undefined;
if (devKdf() !== undefined) {
  // Development and tests only: the page's client, so a test can act as a site or as a second
  // window (e.g. send a request with an origin) without a second page.
  Object.defineProperty(window, 'custodianDev', {
    value: Object.freeze({ request: (args, options) => custodian.client.request(args, options) }),
  });
}

try {
  await custodian.ready();
  await refresh();
} catch (error) {
  setState('error');
  const section = document.createElement('section');
  section.className = 'card';
  const heading = document.createElement('h1');
  heading.textContent = 'The wallet could not start';
  const reason = document.createElement('p');
  reason.dataset.testid = 'fatal';
  reason.textContent = describeError(error);
  section.append(heading, reason);
  show('error', section);
}
