// Password strength with zxcvbn-ts (served from www/vendor/, loaded on first use: its
// dictionaries are about 1.5 MB of modules), and the password + confirmation fields every
// form that sets a vault password uses. A score below 3 of 4 is refused.

import { field, h, uid } from './dom.js';
import { preloadPinned } from './pinned-modules.js';

/**
 * Every module the import() calls below load, with its SHA-384: written by scripts/sri.mjs
 * at build time (empty in the sources), so the page need not preload them at start and they
 * are still pinned when they load (lib/pinned-modules.js).
 * @type {Record<string, string>}
 */
const METER_MODULES = /* sri-graph: ../vendor/zxcvbn-ts/core/index.mjs ../vendor/zxcvbn-ts/language-common/index.mjs ../vendor/zxcvbn-ts/language-en/index.mjs */ {};

/** Said when the meter cannot load: the form cannot rate a password without it. */
export const METER_UNAVAILABLE =
  'The password strength checker could not load: one of its files did not arrive, or does not match this version of the wallet (the browser refuses a changed file). Reload the page. If it keeps happening, do not set a password here: the site may be sending changed files.';

/** The lowest zxcvbn score (0-4) a new vault password may have. */
export const MIN_SCORE = 3;
const SCORE_WORDS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];
/** Words that make a password guessable here in particular. */
const USER_INPUTS = ['custodian', 'wallet', 'crypto', 'ethereum', 'solana', 'bitcoin', 'password'];

/** @typedef {{score: number, warning: string | null, suggestions: string[], crackTime: string}} Strength */

/** @type {Promise<(password: string) => Strength> | undefined} */
let loading;

/** Loads the estimator once; resolves with a function that rates a password. */
export function loadStrength() {
  loading ??= (async () => {
    await preloadPinned(METER_MODULES, import.meta.url);
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('../vendor/zxcvbn-ts/core/index.mjs'),
      import('../vendor/zxcvbn-ts/language-common/index.mjs'),
      import('../vendor/zxcvbn-ts/language-en/index.mjs'),
    ]);
    const zxcvbn = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
    return (password) => {
      const result = zxcvbn.check(password, USER_INPUTS);
      return {
        score: result.score,
        warning: result.feedback.warning,
        suggestions: result.feedback.suggestions,
        crackTime: result.crackTimes.offlineSlowHashingXPerSecond.display,
      };
    };
  })();
  return loading;
}

/**
 * A new-password field with a strength meter, and its confirmation.
 * `check()` resolves with the password, or with an error sentence to show.
 * @param {{label?: string, testid?: string}} [options]
 */
export function newPasswordFields({ label = 'Password', testid = 'new-password' } = {}) {
  const password = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    'data-testid': testid,
  });
  const confirm = h('input', {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    'data-testid': `${testid}-confirm`,
  });
  const meter = h('meter', { min: 0, max: 4, low: 2, high: 3, optimum: 4, value: 0, 'data-testid': 'strength-meter' });
  const verdict = h('span', { class: 'strength-verdict', 'data-testid': 'strength', text: 'Not rated yet' });
  const feedback = h('p', { class: 'hint strength-feedback', id: uid('strength') });
  meter.id = uid('meter');
  password.setAttribute('aria-describedby', feedback.id);
  const strengthRow = h(
    'div',
    { class: 'strength', 'aria-live': 'polite' },
    h('label', { for: meter.id, class: 'visually-hidden', text: 'Password strength' }),
    meter,
    verdict,
  );

  /** @type {Strength | undefined} */
  let last;
  let rated = '';
  let unavailable = false;
  const rate = async () => {
    const value = password.value;
    let estimate;
    try {
      estimate = await loadStrength();
    } catch {
      unavailable = true;
      last = undefined;
      verdict.textContent = 'The strength checker did not load';
      feedback.textContent = METER_UNAVAILABLE;
      return;
    }
    if (password.value !== value) return; // typed on meanwhile; the next event rates that
    rated = value;
    if (value === '') {
      last = undefined;
      meter.value = 0;
      verdict.textContent = 'Not rated yet';
      feedback.textContent = '';
      delete meter.dataset.score;
      return;
    }
    last = estimate(value);
    meter.value = last.score;
    meter.dataset.score = String(last.score);
    verdict.textContent = `${SCORE_WORDS[last.score]} (${last.score}/4)`;
    const advice = [last.warning, ...last.suggestions].filter(Boolean).join(' ');
    feedback.textContent =
      last.score >= MIN_SCORE
        ? `Time to guess offline: ${last.crackTime}. ${advice}`.trim()
        : `Too weak for a wallet. ${advice || 'Use a longer passphrase of several unrelated words.'}`;
  };
  password.addEventListener('input', () => void rate());
  // Starts loading the meter as the form shows, so it is usually ready by the first key.
  void loadStrength().catch(() => void rate());

  const element = h(
    'div',
    { class: 'new-password' },
    field(label, password),
    strengthRow,
    feedback,
    field(`Confirm ${label.toLowerCase()}`, confirm),
  );

  return {
    element,
    password,
    confirm,
    /** @returns {Promise<{ok: true, password: string} | {ok: false, error: string, focus: HTMLInputElement}>} */
    async check() {
      if (rated !== password.value || last === undefined) await rate();
      if (password.value === '') return { ok: false, error: 'Choose a password.', focus: password };
      if (unavailable) return { ok: false, error: METER_UNAVAILABLE, focus: password };
      if (last === undefined || last.score < MIN_SCORE) {
        return {
          ok: false,
          error: `This password is too weak (${SCORE_WORDS[last?.score ?? 0].toLowerCase()}): the wallet needs at least "${SCORE_WORDS[MIN_SCORE].toLowerCase()}". ${last?.warning ?? ''}`.trim(),
          focus: password,
        };
      }
      if (confirm.value !== password.value) return { ok: false, error: 'The two passwords differ.', focus: confirm };
      return { ok: true, password: password.value };
    },
    clear() {
      password.value = '';
      confirm.value = '';
      void rate();
    },
  };
}
