// The Worker message protocol (docs/web.md) and the EIP-1193 error classes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChainDisconnectedError,
  DisconnectedError,
  ErrorCode,
  InternalError,
  InvalidParamsError,
  ProviderRpcError,
  RequestTimeoutError,
  UnauthorizedError,
  UnsupportedMethodError,
  UserRejectedRequestError,
  WorkerCrashedError,
  fromRpcErrorData,
} from '../dist/errors.js';
import { PROTOCOL_VERSION, parseWorkerInbound, parseWorkerOutbound } from '../dist/protocol.js';

test('inbound messages: well-formed ones pass through, anything else is dropped', () => {
  assert.equal(PROTOCOL_VERSION, 1);
  const accepted = [
    { v: 1, type: 'init', dbName: 'custodian' },
    { v: 1, type: 'init', dbName: 'custodian', wasmUrl: 'https://a.example/c.wasm' },
    { v: 1, type: 'request', id: 0, method: 'eth_chainId' },
    { v: 1, type: 'request', id: 9, method: 'personal_sign', params: ['0x00', '0x01'], origin: 'https://d.example' },
  ];
  for (const message of accepted) assert.deepEqual(parseWorkerInbound(message), message);
  // Unknown extra fields are not carried into the core.
  assert.deepEqual(parseWorkerInbound({ v: 1, type: 'request', id: 1, method: 'm', extra: 1 }), { v: 1, type: 'request', id: 1, method: 'm' });
  const refused = [
    null,
    'request',
    [],
    { type: 'request', id: 1, method: 'm' },
    { v: 2, type: 'request', id: 1, method: 'm' },
    { v: 1, type: 'request', id: '1', method: 'm' },
    { v: 1, type: 'request', id: 1.5, method: 'm' },
    { v: 1, type: 'request', id: -1, method: 'm' },
    { v: 1, type: 'request', id: 1 },
    { v: 1, type: 'request', id: 1, method: 'm', origin: null },
    { v: 1, type: 'init' },
    { v: 1, type: 'init', dbName: '' },
    { v: 1, type: 'init', dbName: 'x', wasmUrl: 5 },
    { v: 1, type: 'response', id: 1, result: 1 },
  ];
  for (const message of refused) assert.equal(parseWorkerInbound(message), undefined, JSON.stringify(message));
  assert.equal(refused.length, 14);
});

test('outbound messages: well-formed ones pass through, anything else is dropped', () => {
  const accepted = [
    { v: 1, type: 'ready' },
    { v: 1, type: 'response', id: 3, result: null },
    { v: 1, type: 'response', id: 3, result: { accounts: [] } },
    { v: 1, type: 'response', id: 3, error: { code: 4100, message: 'locked', data: { kind: 'Locked' } } },
    { v: 1, type: 'event', event: 'accountsChanged', data: [] },
    { v: 1, type: 'fatal', error: { code: -32603, message: 'x' } },
    { v: 1, type: 'fatal', error: { code: -32603, message: 'x' }, id: 4 },
  ];
  for (const message of accepted) assert.deepEqual(parseWorkerOutbound(message), message);
  const refused = [
    { v: 0, type: 'ready' },
    { v: 1, type: 'response', id: 3 },
    { v: 1, type: 'response', id: 'x', result: 1 },
    { v: 1, type: 'response', id: 3, error: { code: '4100', message: 'x' } },
    { v: 1, type: 'response', id: 3, error: { code: 4100 } },
    { v: 1, type: 'event', event: 'accountsChanged2', data: [] },
    { v: 1, type: 'fatal', error: 'boom' },
    { v: 1, type: 'fatal', error: { code: 1, message: 'x' }, id: 'y' },
    { v: 1, type: 'request', id: 1, method: 'm' },
  ];
  for (const message of refused) assert.equal(parseWorkerOutbound(message), undefined, JSON.stringify(message));
  assert.equal(refused.length, 9);
});

test('error codes are the EIP-1193 / EIP-1474 values', () => {
  assert.deepEqual(
    [UserRejectedRequestError, UnauthorizedError, UnsupportedMethodError, DisconnectedError, ChainDisconnectedError, InvalidParamsError, InternalError].map((c) => c.code),
    [4001, 4100, 4200, 4900, 4901, -32602, -32603],
  );
  assert.equal(ErrorCode.UserRejectedRequest, 4001);
  assert.equal(ErrorCode.Unauthorized, 4100);
  assert.equal(ErrorCode.UnsupportedMethod, 4200);
  assert.equal(ErrorCode.Disconnected, 4900);
  assert.equal(ErrorCode.ChainDisconnected, 4901);
  assert.equal(ErrorCode.UnrecognizedChain, 4902);
  assert.equal(ErrorCode.MethodNotFound, -32601);
  assert.equal(ErrorCode.InvalidParams, -32602);
  assert.equal(ErrorCode.Internal, -32603);
});

test('plain errors become real errors of the matching class, with code, message and data', () => {
  const cases = [
    [4001, UserRejectedRequestError],
    [4100, UnauthorizedError],
    [4200, UnsupportedMethodError],
    [4900, DisconnectedError],
    [4901, ChainDisconnectedError],
    [-32602, InvalidParamsError],
    [-32603, InternalError],
    [4902, ProviderRpcError],
    [-32601, ProviderRpcError],
  ];
  for (const [code, Class] of cases) {
    const error = fromRpcErrorData({ code, message: `m${code}`, data: { kind: 'K' } });
    assert.equal(error.constructor, Class);
    assert.ok(error instanceof ProviderRpcError && error instanceof Error);
    assert.equal(error.code, code);
    assert.equal(error.message, `m${code}`);
    assert.deepEqual(error.data, { kind: 'K' });
    assert.deepEqual(error.toJSON(), { code, message: `m${code}`, data: { kind: 'K' } });
    assert.deepEqual(JSON.parse(JSON.stringify(error)), { code, message: `m${code}`, data: { kind: 'K' } });
  }
  assert.equal(cases.length, 9);
  assert.deepEqual(fromRpcErrorData({ code: 4001, message: 'no' }).toJSON(), { code: 4001, message: 'no' });
});

test('client-made errors: crash is a 4900 DisconnectedError, timeout a -32603 InternalError', () => {
  const crashed = new WorkerCrashedError();
  assert.ok(crashed instanceof DisconnectedError);
  assert.equal(crashed.code, 4900);
  assert.deepEqual(crashed.data, { kind: 'WorkerCrashed' });
  assert.equal(crashed.name, 'WorkerCrashedError');
  const timeout = new RequestTimeoutError();
  assert.ok(timeout instanceof InternalError);
  assert.equal(timeout.code, -32603);
  assert.deepEqual(timeout.data, { kind: 'Timeout' });
  const cause = new Error('underlying');
  assert.equal(new WorkerCrashedError('x', { cause }).cause, cause);
  assert.equal('cause' in crashed.toJSON(), false, 'the cause never crosses a boundary');
});

test('an init message may carry a compiled WebAssembly module, and nothing else in its place', () => {
  const module = new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const parsed = parseWorkerInbound({ v: 1, type: 'init', dbName: 'x', module });
  assert.deepEqual(Object.keys(parsed).sort(), ['dbName', 'module', 'type', 'v']);
  assert.equal(parsed.module, module);
  const both = parseWorkerInbound({ v: 1, type: 'init', dbName: 'x', wasmUrl: '/c.wasm', module });
  assert.equal(both.module, module);
  assert.equal(both.wasmUrl, '/c.wasm');
  const notModules = [new Uint8Array([0, 0x61, 0x73, 0x6d]), new ArrayBuffer(8), '/c.wasm', {}, null, 1];
  for (const fake of notModules) {
    assert.equal(parseWorkerInbound({ v: 1, type: 'init', dbName: 'x', module: fake }), undefined, String(fake));
  }
  assert.equal(notModules.length, 6);
});

test('the versioned .wasm URL carries the start of the pinned digest, in base64url', async () => {
  const { versionedWasmUrl } = await import('../dist/wasm-source.js');
  // A SHA-384 digest whose first 16 base64 characters include both + and /.
  const integrity = 'sha384-ab+/CD+/ef01234567xyzXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ';
  const url = versionedWasmUrl(new URL('https://wallet.example/pkg/custodian_wasm_bg.wasm'), integrity);
  assert.equal(url.href, 'https://wallet.example/pkg/custodian_wasm_bg.wasm?v=ab-_CD-_ef012345');
  // What scripts/static-server.mjs compares it with: the same prefix of the digest in base64url.
  const digest = Buffer.from(integrity.slice('sha384-'.length), 'base64').toString('base64url');
  assert.ok(digest.startsWith(url.searchParams.get('v')));
});
