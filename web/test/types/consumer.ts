// Compile-only check of the published types from a consumer's side: the provider must be
// accepted, unchanged, where ethers and viem expect an EIP-1193 provider. Never run.

import { BrowserProvider, type Eip1193Provider } from 'ethers';
import { createWalletClient, custom, type EIP1193Provider as ViemProvider } from 'viem';
import {
  announceProvider,
  connectCustodian,
  createCustodian,
  createSiteHost,
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

/** A dapp on another origin: the connector's provider is the same EIP-1193 provider. */
export function embedded(): void {
  const { provider, solana, ready, disconnect } = connectCustodian({ walletUrl: 'https://wallet.example', timeoutMs: 120_000 });
  const asEthers: Eip1193Provider = provider;
  new BrowserProvider(provider);
  createWalletClient({ transport: custom(provider) });
  void asEthers;
  void solana?.features['standard:connect'].connect();
  void ready().then(disconnect);
  // @ts-expect-error the wallet URL is required
  connectCustodian({});
}

/** The wallet window's side. */
export function walletWindow(): void {
  const custodian = createCustodian();
  const host = createSiteHost({ client: custodian.client, onHeld: (held) => void held?.requestId });
  void host.decide('req-1', 'approve', { accounts: ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'] });
  // @ts-expect-error approve or reject only
  void host.decide('req-1', 'maybe');
  host.close();
}
