// Test-only: the dapp side of dapp.html. It knows nothing of Custodian: it finds providers
// through EIP-6963 and uses them with ethers v6 (its browser build) and viem (its ES modules,
// bare imports rewritten to /node_modules/ URLs by the test server).

import { BrowserProvider } from '/node_modules/ethers/dist/ethers.min.js';
import { createWalletClient, custom } from 'viem';

const announced = [];
window.addEventListener('eip6963:announceProvider', (event) => {
  announced.push(event.detail);
});

const TYPED = {
  domain: { name: 'Custodian e2e', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  types: { Mail: [{ name: 'to', type: 'address' }, { name: 'contents', type: 'string' }] },
  message: { to: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', contents: 'Hello, Bob!' },
};

/** Writes what happened on the page too, for the screenshot. */
function show(title, value, icon) {
  const section = document.createElement('section');
  const heading = document.createElement('h2');
  if (icon) {
    const img = document.createElement('img');
    img.src = icon;
    img.width = 32;
    img.height = 32;
    img.alt = '';
    heading.append(img, ' ');
  }
  heading.append(title);
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(value, null, 2);
  section.append(heading, pre);
  document.getElementById('log').append(section);
}

window.dapp = {
  TYPED,
  /** Asks wallets to announce themselves; returns what arrived (as plain data plus an index). */
  discover() {
    const before = announced.length;
    window.dispatchEvent(new Event('eip6963:requestProvider'));
    for (const { info } of announced.slice(before)) {
      show(`EIP-6963: ${info.name}`, { rdns: info.rdns, uuid: info.uuid, icon: `${info.icon.slice(0, 40)}…` }, info.icon);
    }
    return announced.slice(before).map((detail, i) => ({
      index: before + i,
      info: { ...detail.info },
      frozen: Object.isFrozen(detail) && Object.isFrozen(detail.info),
      isCustodian: detail.provider?.isCustodian === true,
    }));
  },
  provider(index) {
    return announced[index].provider;
  },
  async withEthers(index, message) {
    const provider = new BrowserProvider(this.provider(index));
    const signer = await provider.getSigner();
    const network = await provider.getNetwork();
    const result = {
      address: await signer.getAddress(),
      chainId: network.chainId.toString(),
      signature: await signer.signMessage(message),
      typedSignature: await signer.signTypedData(TYPED.domain, TYPED.types, TYPED.message),
    };
    show('ethers v6 BrowserProvider', result);
    return result;
  },
  async withViem(index, message) {
    const client = createWalletClient({ transport: custom(this.provider(index)) });
    const addresses = await client.getAddresses();
    const requested = await client.requestAddresses();
    const result = {
      addresses,
      requested,
      chainId: await client.getChainId(),
      signature: await client.signMessage({ account: addresses[0], message }),
      typedSignature: await client.signTypedData({ account: addresses[0], primaryType: 'Mail', ...TYPED }),
    };
    show('viem createWalletClient(custom)', result);
    return result;
  },
};
document.body.dataset.dapp = 'ready';
