// Turning a refused request into a sentence a person can act on.

/**
 * @typedef {{code?: number, message?: string, data?: {kind?: string, [key: string]: unknown}}} RpcError
 */

/**
 * The `data.kind` of a wallet error, if any.
 * @param {unknown} error
 * @returns {string | undefined}
 */
export function errorKind(error) {
  const data = /** @type {RpcError} */ (error)?.data;
  return typeof data?.kind === 'string' ? data.kind : undefined;
}

/** Messages for the kinds a person meets in this app; the core's own message otherwise. */
const MESSAGES = {
  WrongPassword: 'Wrong password. Check it and try again.',
  Locked: 'The wallet is locked. Unlock it to continue.',
  WorkerCrashed: 'The wallet module restarted; unlock again.',
  NoVault: 'There is no wallet in this browser yet.',
  InvalidMnemonic: 'That recovery phrase is not valid: check every word and their order.',
  InvalidKeystore: 'That keystore file cannot be read, or its password is wrong.',
  VaultExists: 'A wallet already exists in this browser.',
  UserRejected: 'Rejected.',
  MethodNotFound: 'This version of the wallet does not support that yet.',
};

/**
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  const kind = errorKind(error);
  if (kind !== undefined && kind in MESSAGES) return MESSAGES[/** @type {keyof typeof MESSAGES} */ (kind)];
  const rpc = /** @type {RpcError} */ (error);
  if (rpc?.code === -32601) return MESSAGES.MethodNotFound;
  const message = typeof rpc?.message === 'string' && rpc.message !== '' ? rpc.message : String(error);
  const sentence = `${message[0].toUpperCase()}${message.slice(1)}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

/**
 * Whether the wallet answered that it does not know the method (an older core).
 * @param {unknown} error
 */
export function isMethodMissing(error) {
  return /** @type {RpcError} */ (error)?.code === -32601;
}
