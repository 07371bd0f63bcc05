// Looks for secret material in what crossed the module boundary (issue 4 item 4).
//
// A secret can leak whole or in part, as text or in any of the encodings wallets use, so the
// scanner searches in two directions:
//   - each secret's encodings (hex, base64 at every byte alignment, base64url, base58) in the
//     JSON text of every recorded response and event, by windows at every offset, so a leaked
//     fragment of 8 bytes or more (9 in base64) is found as well as the whole;
//   - each secret's raw bytes in every recorded string decoded as hex, base64 or base58, and in
//     binary blobs (the sealed vault), so a secret hidden inside an encoded field is found too.
// Text secrets (the phrase, passphrase, passwords) are searched as text, the phrase also as any
// three consecutive words with any separator (an array of words, a comma list).

import { decodeBase58, encodeBase58 } from 'ethers';

/** Bytes per window: a leaked fragment of 8 bytes or more is found (9 in base64). */
const WINDOW = 8;

const toHex = (bytes) => Buffer.from(bytes).toString('hex');
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Secrets: `{name, bytes?: Uint8Array, text?: string, words?: string[]}`. Returns the needles
 * that scanning uses.
 */
export function compileSecrets(secrets) {
  const textNeedles = [];
  const byteNeedles = [];
  const patterns = [];
  for (const secret of secrets) {
    if (secret.text !== undefined) {
      textNeedles.push({ name: secret.name, needle: secret.text });
      // Also inside a decoded field (a password in base64, say).
      const utf8 = Buffer.from(secret.text, 'utf8');
      if (utf8.length >= WINDOW) byteNeedles.push({ name: `${secret.name} (encoded)`, needle: utf8 });
    }
    if (secret.words !== undefined) {
      for (let i = 0; i + 3 <= secret.words.length; i++) {
        const run = secret.words.slice(i, i + 3).map(escapeRegExp).join('[^a-z]{1,8}');
        patterns.push({ name: `${secret.name} words ${i + 1}-${i + 3}`, regexp: new RegExp(run, 'i') });
      }
    }
    if (secret.bytes === undefined) continue;
    const bytes = secret.bytes;
    // Windows at every offset: any fragment of WINDOW bytes or more contains one.
    for (let i = 0; i + WINDOW <= bytes.length; i++) {
      byteNeedles.push({ name: `${secret.name} bytes ${i}..${i + WINDOW}`, needle: Buffer.from(bytes.subarray(i, i + WINDOW)) });
    }
    // Hex, in any letter case (the haystack is searched lowercased).
    const hex = toHex(bytes);
    for (let i = 0; i + 2 * WINDOW <= hex.length; i += 2) {
      textNeedles.push({ name: `${secret.name} hex`, needle: hex.slice(i, i + 2 * WINDOW), lower: true });
    }
    // Base64 at each of the three byte alignments, standard and URL alphabets; only whole
    // 4-character groups, which do not depend on what surrounds the fragment. Every byte
    // offset is some alignment plus whole groups, so any fragment of 9 bytes or more is found.
    for (let align = 0; align < 3; align++) {
      const b64 = Buffer.from(bytes.subarray(align)).toString('base64');
      const whole = b64.slice(0, Math.floor((bytes.length - align) / 3) * 4);
      for (let i = 0; i + 12 <= whole.length; i += 4) {
        const piece = whole.slice(i, i + 12);
        textNeedles.push({ name: `${secret.name} base64`, needle: piece });
        textNeedles.push({ name: `${secret.name} base64url`, needle: piece.replaceAll('+', '-').replaceAll('/', '_') });
      }
    }
    // Base58 has no fragments (it is one big number): whole values only.
    textNeedles.push({ name: `${secret.name} base58`, needle: encodeBase58(bytes) });
  }
  return { textNeedles, byteNeedles, patterns };
}

function* strings(value) {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield k;
      yield* strings(v);
    }
  }
}

/** Every way a recorded string can be read as bytes. */
function decodings(s) {
  const out = [];
  const hex = s.startsWith('0x') ? s.slice(2) : s;
  if (hex.length >= 2 * WINDOW && hex.length % 2 === 0 && /^[0-9a-f]+$/i.test(hex)) out.push(Buffer.from(hex, 'hex'));
  if (s.length >= 12 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) out.push(Buffer.from(s.replaceAll('-', '+').replaceAll('_', '/'), 'base64'));
  if (s.length >= 11 && /^[1-9A-HJ-NP-Za-km-z]+$/.test(s)) {
    let n = decodeBase58(s);
    const bytes = [];
    while (n > 0n) { bytes.unshift(Number(n & 0xffn)); n >>= 8n; }
    out.push(Buffer.from(bytes));
  }
  return out;
}

/**
 * Scans `records` (`[{label, value, blobs?: Uint8Array[]}]`): returns every finding as
 * `{label, secret}`; empty means clean.
 */
export function scan(records, compiled) {
  const findings = [];
  for (const record of records) {
    const text = JSON.stringify(record.value) ?? '';
    const lower = text.toLowerCase();
    for (const { name, needle, lower: caseless } of compiled.textNeedles) {
      if ((caseless ? lower : text).includes(caseless ? needle.toLowerCase() : needle)) findings.push({ label: record.label, secret: name });
    }
    for (const { name, regexp } of compiled.patterns) {
      if (regexp.test(text)) findings.push({ label: record.label, secret: name });
    }
    const blobs = [...(record.blobs ?? []).map((b) => Buffer.from(b))];
    for (const s of strings(record.value)) blobs.push(...decodings(s));
    for (const blob of blobs) {
      for (const { name, needle } of compiled.byteNeedles) {
        if (blob.indexOf(needle) >= 0) findings.push({ label: record.label, secret: name });
      }
      // Text secrets hidden inside an encoding (e.g. the phrase in base64).
      const asText = blob.toString('latin1');
      for (const { name, regexp } of compiled.patterns) {
        if (regexp.test(asText)) findings.push({ label: record.label, secret: `${name} (encoded)` });
      }
    }
  }
  return findings;
}
