/**
 * EIP-6963 multi-provider discovery: the wallet announces itself with an
 * `eip6963:announceProvider` event and again whenever a dapp dispatches
 * `eip6963:requestProvider`.
 */

/** EIP-6963 `EIP6963ProviderInfo`. */
export interface EIP6963ProviderInfo {
  /** UUIDv4, unique per page session. */
  readonly uuid: string;
  /** Human-readable wallet name. */
  readonly name: string;
  /** A `data:image/...` URI (RFC 2397); square, at least 96x96 px. */
  readonly icon: string;
  /** Reverse-DNS identifier of the wallet, e.g. `com.example.wallet`. */
  readonly rdns: string;
}

/** EIP-6963 `EIP6963ProviderDetail`. */
export interface EIP6963ProviderDetail<P = unknown> {
  readonly info: EIP6963ProviderInfo;
  readonly provider: P;
}

/** What `announceProvider` needs; `uuid` and `icon` have defaults. */
export interface AnnounceProviderInfo {
  readonly name: string;
  readonly rdns: string;
  readonly uuid?: string;
  readonly icon?: string;
}

/** Event names from EIP-6963. */
export const ANNOUNCE_EVENT = 'eip6963:announceProvider';
/** Event names from EIP-6963. */
export const REQUEST_EVENT = 'eip6963:requestProvider';

/** Custodian's default icon: a shield with a key slot, 96x96, as an SVG data URI. */
export const CUSTODIAN_ICON: string =
  'data:image/svg+xml;base64,' +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">' +
      '<rect width="96" height="96" rx="20" fill="#14213d"/>' +
      '<path d="M48 14 76 24v22c0 18-12 30-28 36-16-6-28-18-28-36V24z" fill="#fca311"/>' +
      '<circle cx="48" cy="44" r="8" fill="#14213d"/>' +
      '<rect x="45" y="48" width="6" height="16" rx="2" fill="#14213d"/>' +
      '</svg>',
  );

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// Reverse DNS: at least two dot-separated labels of letters, digits and hyphens.
const RDNS = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

/** Options of `announceProvider`. */
export interface AnnounceOptions {
  /** Where to dispatch and listen; default `window`. */
  readonly target?: EventTarget;
}

/**
 * Announces `provider` now and on every `eip6963:requestProvider`. Returns a function that stops
 * answering requests. The event's `detail` and its `info` are frozen, as EIP-6963 requires.
 */
export function announceProvider<P>(
  provider: P,
  info: AnnounceProviderInfo,
  options: AnnounceOptions = {},
): () => void {
  if (typeof info.name !== 'string' || info.name.trim() === '') throw new TypeError('info.name must be a non-empty string');
  if (typeof info.rdns !== 'string' || !RDNS.test(info.rdns)) {
    throw new TypeError('info.rdns must be a reverse-DNS name such as com.example.wallet');
  }
  const uuid = info.uuid ?? crypto.randomUUID();
  if (!UUID_V4.test(uuid)) throw new TypeError('info.uuid must be a UUIDv4');
  const icon = info.icon ?? CUSTODIAN_ICON;
  // A data URI keeps the promise of no network requests: a dapp showing the icon fetches nothing.
  if (typeof icon !== 'string' || !icon.startsWith('data:image/')) {
    throw new TypeError('info.icon must be a data:image/... URI');
  }
  const target = options.target ?? globalThis.window;
  if (target === undefined) throw new TypeError('options.target is required outside a browser window');

  const detail: EIP6963ProviderDetail<P> = Object.freeze({
    info: Object.freeze({ uuid, name: info.name, icon, rdns: info.rdns }),
    provider,
  });
  const announce = (): void => {
    target.dispatchEvent(new CustomEvent(ANNOUNCE_EVENT, { detail }));
  };
  target.addEventListener(REQUEST_EVENT, announce);
  announce();
  return () => {
    target.removeEventListener(REQUEST_EVENT, announce);
  };
}
