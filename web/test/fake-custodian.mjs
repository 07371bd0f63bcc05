// A TEST stand-in for the WASM `Custodian` class (docs/protocol.md, "The WASM facade"), for
// unit-testing the Worker plumbing in Node before the real module exists. It is not a wallet:
// its "vault" is plain JSON and its one key is a published test key. Signatures are real
// (computed by ethers' own Wallet) so that tests verifying them through ethers and viem mean
// something about the path they travelled.

import { Wallet, getBytes, isHexString } from 'ethers';

/** Hardhat's well-known account #0 (public test key; never use it for anything real). */
export const FAKE_PRIVATE_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** Its address, as published with the key (not computed by the code under test). */
export const FAKE_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function rpcError(code, kind, message) {
  return { code, message, data: { kind } };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function objectParams(params) {
  if (Array.isArray(params) && params.length === 1) return params[0] ?? {};
  return params ?? {};
}

export class FakeCustodian {
  /** Every call, in the order the host made it: `{method, params, origin}`. */
  calls = [];
  #vault; // {password, privateKey, chainId} or undefined
  #generation = 0;
  #unlocked = false;
  #dirty = false;
  #events = [];
  #freed = false;

  constructor(sealed) {
    if (sealed === undefined || sealed === null) return;
    let parsed;
    try {
      parsed = JSON.parse(decoder.decode(sealed));
    } catch {
      throw rpcError(-32603, 'Corrupted', 'The stored vault is damaged.');
    }
    if (parsed?.format !== 'fake-vault/1') throw rpcError(-32603, 'Corrupted', 'The stored vault is damaged.');
    this.#vault = { password: parsed.password, privateKey: parsed.privateKey, chainId: parsed.chainId };
    this.#generation = parsed.generation;
  }

  get #wallet() {
    return new Wallet(this.#vault.privateKey);
  }

  #accounts() {
    return this.#unlocked ? [this.#wallet.address] : [];
  }

  #changed() {
    this.#dirty = true;
  }

  #requireUnlocked() {
    if (this.#vault === undefined) throw rpcError(-32602, 'NoVault', 'There is no wallet yet.');
    if (!this.#unlocked) throw rpcError(4100, 'Locked', 'The wallet is locked.');
  }

  #requireAccount(address) {
    if (typeof address !== 'string' || address.toLowerCase() !== this.#wallet.address.toLowerCase()) {
      throw rpcError(-32602, 'UnknownAccount', 'No such account in this wallet.');
    }
  }

  async request(args, origin) {
    if (this.#freed) throw new Error('used after free');
    const { method, params } = args;
    this.calls.push(origin === undefined ? { method, params } : { method, params, origin });
    switch (method) {
      case 'wallet_create': {
        const { password } = objectParams(params);
        if (this.#vault !== undefined) throw rpcError(-32602, 'VaultExists', 'A wallet already exists.');
        if (typeof password !== 'string' || password === '') throw rpcError(-32602, 'InvalidParams', 'password is required.');
        this.#vault = { password, privateKey: FAKE_PRIVATE_KEY, chainId: '0x1' };
        this.#unlocked = true;
        this.#changed();
        this.#events.push({ event: 'accountsChanged', data: this.#accounts() });
        return { accounts: this.#accounts() };
      }
      case 'wallet_unlock': {
        const { password } = objectParams(params);
        if (this.#vault === undefined) throw rpcError(-32602, 'NoVault', 'There is no wallet yet.');
        if (password !== this.#vault.password) throw rpcError(4100, 'WrongPassword', 'The password is wrong.');
        this.#unlocked = true;
        this.#events.push({ event: 'accountsChanged', data: this.#accounts() });
        return null;
      }
      case 'wallet_lock':
        this.#unlocked = false;
        this.#events.push({ event: 'accountsChanged', data: [] });
        return null;
      case 'wallet_status':
        return { hasVault: this.#vault !== undefined, unlocked: this.#unlocked, generation: this.#generation };
      case 'eth_accounts':
        return this.#accounts();
      case 'eth_requestAccounts':
        this.#requireUnlocked();
        return this.#accounts();
      case 'eth_chainId':
        return this.#vault?.chainId ?? '0x1';
      case 'wallet_switchEthereumChain': {
        this.#requireUnlocked();
        const { chainId } = objectParams(params);
        if (!isHexString(chainId) || chainId === '0x0') throw rpcError(4902, 'UnrecognizedChain', 'Unknown chain.');
        if (chainId !== this.#vault.chainId) {
          this.#vault.chainId = chainId;
          this.#changed();
          this.#events.push({ event: 'chainChanged', data: chainId });
        }
        return null;
      }
      case 'personal_sign': {
        this.#requireUnlocked();
        const [data, address] = params ?? [];
        this.#requireAccount(address);
        if (!isHexString(data)) throw rpcError(-32602, 'InvalidParams', 'data must be hex.');
        return this.#wallet.signMessage(getBytes(data));
      }
      case 'eth_signTypedData_v4': {
        this.#requireUnlocked();
        const [address, json] = params ?? [];
        this.#requireAccount(address);
        const typed = typeof json === 'string' ? JSON.parse(json) : json;
        const { EIP712Domain: _domainType, ...types } = typed.types;
        return this.#wallet.signTypedData(typed.domain, types, typed.message);
      }
      case 'eth_sendTransaction':
        throw rpcError(4200, 'Unsupported', 'Custodian makes no network calls; sign and broadcast yourself.');
      // Test hooks: not part of any real protocol.
      case 'test_echo': {
        const { value, delayMs } = objectParams(params);
        if (delayMs) await sleep(delayMs);
        return value;
      }
      case 'test_emit': {
        const { event, data } = objectParams(params);
        this.#events.push({ event, data });
        return null;
      }
      case 'test_touch':
        // Changes nothing but asks to be saved (exercises the storage path).
        this.#changed();
        return null;
      case 'test_trap':
        throw new WebAssembly.RuntimeError('unreachable');
      case 'test_throw':
        throw new TypeError('not an RPC error');
      default:
        throw rpcError(-32601, 'MethodNotFound', `No such method.`);
    }
  }

  takeSave() {
    if (this.#freed) throw new Error('used after free');
    if (!this.#dirty || this.#vault === undefined) return undefined;
    this.#dirty = false;
    this.#generation += 1;
    const json = JSON.stringify({ format: 'fake-vault/1', generation: this.#generation, ...this.#vault });
    return { bytes: encoder.encode(json), generation: this.#generation };
  }

  takeEvents() {
    if (this.#freed) throw new Error('used after free');
    const events = this.#events;
    this.#events = [];
    return events;
  }

  free() {
    this.#freed = true;
  }
}
