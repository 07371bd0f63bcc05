// A TEST stand-in for the core's per-origin consent (SITES_DESIGN / docs/protocol.md "Sites"),
// shaped as a client (`request(args, {origin})`, `subscribe`), for testing the site host and the
// whole embed path in Node before the real core has these methods. It is not the core: only the
// rules the host depends on. Signatures are real (ethers' Wallet for Ethereum, noble's Ed25519
// for Solana) so what the dapp side verifies means something about the path it travelled.

import { ed25519 } from '@noble/curves/ed25519.js';
import { Wallet, getBytes, isHexString } from 'ethers';
import { PublicKey } from '@solana/web3.js';
import { FAKE_ADDRESS, FAKE_PRIVATE_KEY } from './fake-custodian.mjs';

// RFC 8032 §7.1 TEST 1: a published Ed25519 key pair.
export const SOLANA_SECRET = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
export const SOLANA_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
export const SOLANA_ADDRESS = new PublicKey(SOLANA_PUBLIC).toBase58();
export { FAKE_ADDRESS };

const ACCOUNTS = [
  { chain: 'ethereum', address: FAKE_ADDRESS, label: 'Ethereum 1', source: 'hd', path: "m/44'/60'/0'/0/0" },
  { chain: 'solana', address: SOLANA_ADDRESS, label: 'Solana 1', source: 'hd', path: "m/44'/501'/0'/0'" },
];

const SIGN = new Set(['personal_sign', 'eth_signTypedData_v4', 'solana_signMessage']);
const OWNER_ONLY = new Set(['wallet_unlock', 'wallet_lock', 'wallet_listRequests', 'wallet_approveRequest', 'wallet_rejectRequest', 'wallet_listSites', 'wallet_revokeSite', 'wallet_blockSite', 'wallet_unblockSite']);

function rpcError(code, kind, message, extra = {}) {
  return Object.assign(new Error(message), { code, data: { kind, ...extra } });
}

export class FakeSitesCore {
  /** Every call: {method, params, origin}. */
  calls = [];
  unlocked = true;
  chainId = '0x1';
  #sites = new Map(); // origin -> granted addresses
  #held = new Map(); // requestId -> {origin, kind, request}
  #blocked = new Set(); // origins
  #listeners = new Set();
  #next = 1;

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event, data) {
    for (const listener of [...this.#listeners]) listener({ type: 'event', event, data });
  }

  /** Simulates the Worker restarting (the held requests are lost with it). */
  crash() {
    this.#held.clear();
    this.unlocked = false;
    for (const listener of [...this.#listeners]) listener({ type: 'stopped', error: rpcError(4900, 'WorkerCrashed', 'crashed') });
    for (const listener of [...this.#listeners]) listener({ type: 'ready' });
  }

  async request({ method, params }, { origin } = {}) {
    this.calls.push(origin === undefined ? { method, params } : { method, params, origin });
    await null; // answers arrive asynchronously, as from a Worker
    if (origin === undefined) return this.#owner(method, params);
    return this.#site(origin, method, params);
  }

  #granted(origin) {
    const addresses = this.#sites.get(origin) ?? [];
    return this.unlocked ? ACCOUNTS.filter((a) => addresses.includes(a.address)) : [];
  }

  #hold(origin, kind, method, params) {
    if ([...this.#held.values()].filter((h) => h.origin === origin).length >= 8) {
      throw rpcError(4100, 'TooManyRequests', 'Too many requests.');
    }
    const requestId = `req-${this.#next++}`;
    this.#held.set(requestId, { origin, kind, request: { method, params } });
    throw rpcError(4100, 'ConsentRequired', 'The user must approve this request in the wallet.', { requestId, consentKind: kind });
  }

  #site(origin, method, params) {
    if (this.#blocked.has(origin)) throw rpcError(4001, 'SiteBlocked', 'The user blocked this site.');
    const connected = this.#sites.has(origin);
    switch (method) {
      case 'eth_chainId':
        return this.chainId;
      case 'eth_accounts':
        return this.#granted(origin).filter((a) => a.chain === 'ethereum').map((a) => a.address);
      case 'wallet_listAccounts':
        return this.#granted(origin);
      case 'eth_requestAccounts':
      case 'wallet_connect':
        if (connected && this.unlocked) return this.#connectResult(method, origin);
        return this.#hold(origin, 'connect', method, params);
      default:
        if (SIGN.has(method)) {
          if (!connected) throw rpcError(4100, 'SiteNotConnected', 'Connect this site first.');
          const signer = method === 'personal_sign' ? params?.[1] : method === 'solana_signMessage' ? params?.address : params?.[0];
          if (!(this.#sites.get(origin) ?? []).some((a) => a.toLowerCase() === String(signer).toLowerCase())) {
            throw rpcError(4100, 'UnknownAccount', 'That account is not connected to this site.');
          }
          return this.#hold(origin, 'sign', method, params);
        }
        if (OWNER_ONLY.has(method)) throw rpcError(4100, 'OriginNotAllowed', 'Not for sites.');
        throw rpcError(-32601, 'MethodNotFound', 'No such method.');
    }
  }

  #connectResult(method, origin) {
    const granted = this.#granted(origin);
    return method === 'wallet_connect' ? { accounts: granted } : granted.filter((a) => a.chain === 'ethereum').map((a) => a.address);
  }

  async #sign(method, params) {
    if (method === 'personal_sign') {
      const [data] = params;
      return new Wallet(FAKE_PRIVATE_KEY).signMessage(isHexString(data) ? getBytes(data) : data);
    }
    if (method === 'eth_signTypedData_v4') {
      const typed = typeof params[1] === 'string' ? JSON.parse(params[1]) : params[1];
      const { EIP712Domain: _domain, ...types } = typed.types;
      return new Wallet(FAKE_PRIVATE_KEY).signTypedData(typed.domain, types, typed.message);
    }
    const message = Buffer.from(params.message, 'base64');
    const signature = ed25519.sign(message, SOLANA_SECRET);
    return { signedMessage: params.message, signature: Buffer.from(signature).toString('base64'), signatureType: 'ed25519' };
  }

  async #owner(method, params) {
    switch (method) {
      case 'eth_chainId':
        return this.chainId;
      case 'wallet_lock':
        this.unlocked = false;
        this.#held.clear();
        this.#emit('accountsChanged', []);
        return null;
      case 'wallet_unlock':
        this.unlocked = true;
        this.#emit('accountsChanged', [FAKE_ADDRESS]);
        return { accounts: ACCOUNTS };
      case 'wallet_listRequests':
        return [...this.#held].map(([requestId, h]) => ({ requestId, origin: h.origin, consentKind: h.kind, request: h.request, preview: null }));
      case 'wallet_approveRequest': {
        const held = this.#held.get(params.requestId);
        if (held === undefined) throw rpcError(4100, 'UnknownRequest', 'No such request.');
        if (!this.unlocked) throw rpcError(4100, 'Locked', 'Unlock first.');
        this.#held.delete(params.requestId);
        if (held.kind === 'connect') {
          this.#sites.set(held.origin, params.accounts ?? ACCOUNTS.map((a) => a.address));
          return this.#connectResult(held.request.method, held.origin);
        }
        return this.#sign(held.request.method, held.request.params);
      }
      case 'wallet_rejectRequest':
        if (!this.#held.delete(params.requestId)) throw rpcError(4100, 'UnknownRequest', 'No such request.');
        return null;
      case 'wallet_listSites':
        return [...this.#sites].map(([origin, accounts]) => ({ origin, accounts }));
      case 'wallet_revokeSite':
        this.#sites.delete(params.origin);
        for (const [id, h] of [...this.#held]) if (h.origin === params.origin) this.#held.delete(id);
        this.#emit('siteRevoked', { origin: params.origin });
        return null;
      case 'wallet_blockSite':
        this.#blocked.add(params.origin);
        for (const [id, h] of [...this.#held]) if (h.origin === params.origin) this.#held.delete(id);
        this.#emit('siteBlocked', { origin: params.origin });
        return null;
      case 'wallet_unblockSite':
        if (this.#blocked.delete(params.origin)) this.#emit('siteUnblocked', { origin: params.origin });
        return null;
      default:
        throw rpcError(-32601, 'MethodNotFound', 'No such method.');
    }
  }
}
