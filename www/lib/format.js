// Formatting of values the views show.

/** @type {Record<string, string>} */
export const CHAIN_NAME = { ethereum: 'Ethereum', solana: 'Solana' };

/**
 * A unix-milliseconds time in the user's locale.
 * @param {unknown} ms
 */
export function formatTime(ms) {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toLocaleString() : 'unknown';
}

/**
 * Whole seconds or minutes from now until `ms`, for expiry notes.
 * @param {number} ms
 */
export function fromNow(ms) {
  const seconds = Math.round((ms - Date.now()) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 90) return `in ${seconds} s`;
  return `in ${Math.round(seconds / 60)} min`;
}

/**
 * `0x` hex of a string's UTF-8 bytes.
 * @param {string} text
 */
export function utf8Hex(text) {
  return `0x${[...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Base64 of a string's UTF-8 bytes.
 * @param {string} text
 */
export function utf8Base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
