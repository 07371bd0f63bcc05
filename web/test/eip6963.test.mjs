// EIP-6963 discovery: the announcement's shape, re-announcing on request, and discovery by a
// real consumer (ethers' BrowserProvider.discover).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrowserProvider } from 'ethers';
import { ANNOUNCE_EVENT, CUSTODIAN_ICON, REQUEST_EVENT, announceProvider } from '../dist/eip6963.js';
import { createCustodian } from '../dist/index.js';
import { FAKE_ADDRESS } from './fake-custodian.mjs';
import { fakeWorkers } from './harness.mjs';

const INFO = { name: 'Custodian', rdns: 'com.example.custodian' };

function listen(target) {
  const events = [];
  target.addEventListener(ANNOUNCE_EVENT, (event) => events.push(event));
  return events;
}

test('event names are the ones EIP-6963 fixes', () => {
  assert.equal(ANNOUNCE_EVENT, 'eip6963:announceProvider');
  assert.equal(REQUEST_EVENT, 'eip6963:requestProvider');
});

test('announces at once with a frozen detail {info: {uuid, name, icon, rdns}, provider}', () => {
  const target = new EventTarget();
  const events = listen(target);
  const provider = { request: async () => null };
  const stop = announceProvider(provider, INFO, { target });
  assert.equal(events.length, 1);
  const [event] = events;
  assert.ok(event instanceof CustomEvent);
  const { detail } = event;
  assert.ok(Object.isFrozen(detail));
  assert.ok(Object.isFrozen(detail.info));
  assert.equal(detail.provider, provider);
  assert.deepEqual(Object.keys(detail.info).sort(), ['icon', 'name', 'rdns', 'uuid']);
  assert.equal(detail.info.name, 'Custodian');
  assert.equal(detail.info.rdns, 'com.example.custodian');
  assert.match(detail.info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(detail.info.icon, CUSTODIAN_ICON);
  assert.match(CUSTODIAN_ICON, /^data:image\/svg\+xml;base64,/);
  const svg = Buffer.from(CUSTODIAN_ICON.split(',')[1], 'base64').toString();
  assert.match(svg, /^<svg [^>]*width="96" height="96"/);
  stop();
});

test('re-announces on every eip6963:requestProvider until stopped, with the same uuid', () => {
  const target = new EventTarget();
  const events = listen(target);
  const stop = announceProvider({}, { ...INFO, uuid: '350670db-19fa-4704-a166-e52e178b59d2' }, { target });
  target.dispatchEvent(new Event(REQUEST_EVENT));
  target.dispatchEvent(new Event(REQUEST_EVENT));
  assert.equal(events.length, 3);
  assert.ok(events.every((event) => event.detail.info.uuid === '350670db-19fa-4704-a166-e52e178b59d2'));
  stop();
  target.dispatchEvent(new Event(REQUEST_EVENT));
  assert.equal(events.length, 3);
});

test('refuses info that EIP-6963 does not allow, and remote icons', () => {
  const target = new EventTarget();
  const bad = [
    { name: '', rdns: 'com.example.x' },
    { name: 'X', rdns: 'example' },
    { name: 'X', rdns: 'https://example.com' },
    { name: 'X', rdns: 'com.example.x', uuid: 'not-a-uuid' },
    { name: 'X', rdns: 'com.example.x', uuid: '350670db-19fa-1704-a166-e52e178b59d2' },
    { name: 'X', rdns: 'com.example.x', icon: 'https://example.com/icon.png' },
  ];
  for (const info of bad) assert.throws(() => announceProvider({}, info, { target }), TypeError, JSON.stringify(info));
  assert.throws(() => announceProvider({}, INFO), TypeError, 'no window in Node: target is required');
});

test('ethers BrowserProvider.discover finds the announced Custodian provider and signs through it', async () => {
  const workers = fakeWorkers();
  const custodian = createCustodian({ spawn: workers.spawn });
  await custodian.request({ method: 'wallet_create', params: { password: 'pw' } });
  const target = new EventTarget();
  const stop = announceProvider(custodian.provider, INFO, { target });
  const discovered = await BrowserProvider.discover({ window: target, timeout: 50 });
  assert.ok(discovered instanceof BrowserProvider);
  assert.equal(discovered.providerInfo.rdns, 'com.example.custodian');
  const signer = await discovered.getSigner();
  assert.equal(signer.address, FAKE_ADDRESS);
  discovered.destroy();
  stop();
  custodian.terminate();
});
