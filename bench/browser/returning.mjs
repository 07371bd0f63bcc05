// One visit of the wallet's start-up, served by scripts/static-server.mjs over the pinned site
// (bench/lib/returning.mjs): createCustodian() as the app calls it (the Worker fetches the .wasm
// under its versioned URL), `ready`, unlock, first signature. The vault is stored on the first
// visit; later visits in the same browser context find it, and whatever the browser kept.

import { createCustodian, openVaultStore, sealedVaultGeneration } from '/vendor/custodian-web/dist/index.js';

const now = () => performance.timeOrigin + performance.now();
const DB = 'returning';

window.visit = async ({ sealed, password, request }) => {
  if (sealed) {
    const bytes = Uint8Array.from(sealed);
    const store = await openVaultStore({ indexedDB, name: DB });
    await store.save({ bytes, generation: sealedVaultGeneration(bytes) });
    store.close();
  }
  const marks = { start: now() };
  const custodian = createCustodian({ dbName: DB });
  await custodian.ready();
  marks.ready = now();
  await custodian.request({ method: 'wallet_unlock', params: { password } });
  marks.unlocked = now();
  await custodian.request(request);
  marks.firstSignature = now();
  // Lock again so the next visit unlocks too (the stored vault is unchanged by signing's log).
  await custodian.request({ method: 'wallet_lock' });
  custodian.terminate();
  return marks;
};
document.getElementById('status').textContent = 'ready';
