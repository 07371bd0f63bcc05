// The wallet page's main thread: forms, views and the account list. It holds no key: every
// action is a request to the Worker that @custodian/web starts (vendor/custodian-web/dist/
// worker.js, which loads the WebAssembly core). What comes back is addresses, signatures and,
// once, the new wallet's recovery phrase for the user to write down.

import { createCustodian } from './vendor/custodian-web/dist/index.js';

/** The lowest Argon2id cost a vault accepts (docs/vault-format.md). For tests and development. */
const FLOOR_KDF = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });
const TEST_MESSAGE = 'Custodian test message';

/**
 * `?kdf=floor` in the URL, or `localStorage['custodian.dev.kdf'] = 'floor'`, creates the vault
 * with the floor cost so tests do not wait for the default (64 MiB, t=3). Unlocking always uses
 * whatever cost the stored vault names.
 */
function devKdf() {
  let setting = new URLSearchParams(location.search).get('kdf');
  if (setting === null) {
    try {
      setting = localStorage.getItem('custodian.dev.kdf');
    } catch {
      setting = null; // storage disabled: no dev setting
    }
  }
  return setting === 'floor' ? FLOOR_KDF : undefined;
}

const $ = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element;
};

const VIEWS = ['loading', 'create', 'backup', 'unlock', 'wallet', 'error'];
const STATE_LABEL = { loading: 'Loading', empty: 'No wallet', locked: 'Locked', unlocked: 'Unlocked', error: 'Error' };

function show(view, state) {
  for (const name of VIEWS) $(`view-${name}`).hidden = name !== view;
  document.body.dataset.view = view;
  $('state-pill').textContent = STATE_LABEL[state] ?? state;
  $('state-pill').dataset.state = state;
}

function say(text, kind = 'info') {
  $('message').textContent = text;
  $('message').dataset.kind = kind;
}

/** A message a person can act on, from a rejected request. */
function describe(error) {
  const kind = error?.data?.kind;
  if (kind === 'WrongPassword') return 'Wrong password.';
  if (kind === 'WorkerCrashed') return 'The wallet module restarted; unlock again.';
  return error?.message ? `${error.message[0].toUpperCase()}${error.message.slice(1)}` : String(error);
}

/** Disables a form or button while `work` runs, with a note for slow steps. */
async function busy(controls, note, work) {
  for (const control of controls) control.disabled = true;
  document.body.dataset.busy = 'true';
  if (note) say(note);
  try {
    return await work();
  } finally {
    for (const control of controls) control.disabled = false;
    delete document.body.dataset.busy;
  }
}

const custodian = createCustodian();
const request = (method, params) => custodian.request(params === undefined ? { method } : { method, params });

const CHAIN_NAME = { ethereum: 'Ethereum', solana: 'Solana' };

function accountItem(account) {
  const item = document.createElement('li');
  item.className = 'account';
  item.dataset.chain = account.chain;
  item.dataset.testid = 'account';

  const head = document.createElement('div');
  head.className = 'account-head';
  const chain = document.createElement('span');
  chain.className = 'chain';
  chain.textContent = CHAIN_NAME[account.chain] ?? account.chain;
  const label = document.createElement('span');
  label.className = 'label';
  label.textContent = account.label ?? '';
  const path = document.createElement('span');
  path.className = 'path';
  path.textContent = account.path ?? 'imported key';
  head.append(chain, label, path);

  const address = document.createElement('code');
  address.className = 'address';
  address.dataset.testid = `${account.chain}-address`;
  address.textContent = account.address;

  item.append(head, address);
  return item;
}

function renderAccounts(list, accounts) {
  list.replaceChildren(...accounts.map(accountItem));
}

let autoLockTimer;

/** Shows the view that matches the wallet's state, as the Worker reports it. */
async function refresh() {
  clearTimeout(autoLockTimer);
  const status = await request('wallet_status');
  if (status.state === 'empty') {
    show('create', 'empty');
    $('create-form').elements.namedItem('password').focus();
    return;
  }
  if (status.state === 'locked') {
    show('unlock', 'locked');
    $('unlock-form').elements.namedItem('password').focus();
    return;
  }
  renderAccounts($('accounts'), await request('wallet_listAccounts'));
  show('wallet', 'unlocked');
  // The core locks itself after a period of inactivity; look again when that time comes.
  if (typeof status.autoLockAt === 'number') {
    const wait = Math.min(Math.max(status.autoLockAt - Date.now() + 250, 1000), 2 ** 31 - 1);
    autoLockTimer = setTimeout(() => void refresh().catch(fail), wait);
  }
}

function fail(error) {
  say(describe(error), 'error');
}

$('create-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const password = form.elements.namedItem('password').value;
  const confirm = form.elements.namedItem('confirm').value;
  if (password !== confirm) {
    say('The two passwords differ.', 'error');
    return;
  }
  const kdf = devKdf();
  const note = kdf ? 'Creating the wallet…' : 'Creating the wallet (Argon2id, 64 MiB: a few seconds)…';
  void busy(form.elements, note, async () => {
    const { mnemonic, accounts } = await request('wallet_create', kdf ? { password, kdf } : { password });
    form.reset();
    const words = mnemonic.split(' ').map((word) => {
      const item = document.createElement('li');
      item.textContent = word;
      return item;
    });
    $('mnemonic').replaceChildren(...words);
    renderAccounts($('backup-accounts'), accounts);
    $('backup-done').checked = false;
    $('backup-continue').disabled = true;
    say('');
    show('backup', 'unlocked');
    // Ask the browser not to evict the vault under storage pressure (it may say no).
    void navigator.storage?.persist?.().catch(() => undefined);
  }).catch(fail);
});

$('backup-done').addEventListener('change', (event) => {
  $('backup-continue').disabled = !event.currentTarget.checked;
});

$('backup-continue').addEventListener('click', () => {
  // The phrase leaves the page's DOM; the Worker never sends it again without the password.
  $('mnemonic').replaceChildren();
  $('backup-accounts').replaceChildren();
  void refresh().catch(fail);
});

$('unlock-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const password = form.elements.namedItem('password').value;
  void busy(form.elements, 'Unlocking…', async () => {
    await request('wallet_unlock', { password });
    form.reset();
    say('');
    await refresh();
  }).catch((error) => {
    fail(error);
    form.elements.namedItem('password').select();
  });
});

$('add-account').addEventListener('click', (event) => {
  const chain = $('add-chain').value;
  void busy([event.currentTarget], '', async () => {
    const account = await request('wallet_addAccount', { chain });
    await refresh();
    say(`Added ${account.label}.`);
  }).catch(fail);
});

$('sign-test').addEventListener('click', (event) => {
  void busy([event.currentTarget], '', async () => {
    const [address] = await request('eth_accounts');
    if (address === undefined) throw new Error('There is no Ethereum account to sign with.');
    const hex = `0x${[...new TextEncoder().encode(TEST_MESSAGE)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
    const signature = await request('personal_sign', [hex, address]);
    $('signed-message').textContent = TEST_MESSAGE;
    $('signed-by').textContent = address;
    $('signature').textContent = signature;
    $('signature-card').hidden = false;
    say('');
  }).catch(fail);
});

$('lock').addEventListener('click', (event) => {
  void busy([event.currentTarget], '', async () => {
    await request('wallet_lock');
    $('signature-card').hidden = true;
    $('accounts').replaceChildren();
    say('Locked.');
    await refresh();
  }).catch(fail);
});

// A Worker that died is replaced by a fresh one, which starts locked from what is stored.
custodian.client.subscribe((event) => {
  if (event.type === 'stopped' && document.body.dataset.view === 'wallet') {
    $('accounts').replaceChildren();
    $('signature-card').hidden = true;
    say(describe(event.error), 'error');
  }
  if (event.type === 'ready' && document.body.dataset.view !== 'loading') void refresh().catch(fail);
});

$('dev-note').hidden = devKdf() === undefined;

try {
  await custodian.ready();
  await refresh();
} catch (error) {
  $('fatal').textContent = describe(error);
  show('error', 'error');
}
