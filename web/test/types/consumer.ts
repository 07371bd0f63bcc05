// Compile-only check of the published types from a consumer's side: the provider must be
// accepted, unchanged, where ethers and viem expect an EIP-1193 provider. Never run.

import { BrowserProvider, type Eip1193Provider } from 'ethers';
import { createWalletClient, custom, type EIP1193Provider as ViemProvider } from 'viem';
import {
  announceProvider,
  createCustodian,
  ProviderRpcError,
  type Custodian,
  type EIP6963ProviderDetail,
} from '../../dist/index.js';

export function consumer(): void {
  const custodian: Custodian = createCustodian({ wasmUrl: new URL('https://app.example/custodian.wasm'), timeoutMs: 30_000 });
  const asEthers: Eip1193Provider = custodian.provider;
  new BrowserProvider(custodian.provider);
  createWalletClient({ transport: custom(custodian.provider) });
  void asEthers;

  custodian.provider.on('accountsChanged', (accounts: string[]) => accounts.length);
  custodian.provider.on('chainChanged', (chainId: string) => chainId.length);
  custodian.provider.on('connect', ({ chainId }) => chainId.length);
  custodian.provider.on('disconnect', (error: ProviderRpcError) => error.code);
  // @ts-expect-error chainChanged carries a hex string, not a number
  custodian.provider.on('chainChanged', (chainId: number) => chainId);
  // @ts-expect-error not an EIP-1193 event
  custodian.provider.on('accountChanged', () => undefined);

  announceProvider(custodian.provider, { name: 'My wallet', rdns: 'com.example.wallet' });
  window.addEventListener('eip6963:announceProvider', (event) => {
    const detail = (event as CustomEvent<EIP6963ProviderDetail<ViemProvider>>).detail;
    void detail.info.rdns;
  });

  void custodian.request({ method: 'wallet_unlock', params: { password: 'pw' } }, { timeoutMs: 60_000 });
  // @ts-expect-error params are an array or an object
  void custodian.request({ method: 'eth_chainId', params: 'x' });
}
