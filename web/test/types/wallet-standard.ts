// Compile-only check that the wallet's own structural types fit the Wallet Standard's
// published ones, so a dapp using @wallet-standard/* and @solana/wallet-standard-features types
// accepts the wallet unchanged even though the package depends on neither. Never run.

import type { Wallet, WalletAccount as StandardAccount } from '@wallet-standard/base';
import type { StandardConnectFeature, StandardDisconnectFeature, StandardEventsFeature } from '@wallet-standard/features';
import type {
  SolanaSignInFeature,
  SolanaSignInInput,
  SolanaSignMessageFeature,
  SolanaSignTransactionFeature,
} from '@solana/wallet-standard-features';
import { CustodianSolanaWallet, createCustodian, registerSolanaWallet, type WalletAccount } from '../../dist/index.js';

export function walletStandardConsumer(): void {
  const custodian = createCustodian();
  const wallet = new CustodianSolanaWallet(custodian.client, { origin: 'https://app.example' });
  const asStandard: Wallet = wallet;
  const connect: StandardConnectFeature = wallet.features;
  const disconnect: StandardDisconnectFeature = wallet.features;
  const events: StandardEventsFeature = wallet.features;
  const signTransaction: SolanaSignTransactionFeature = wallet.features;
  const signMessage: SolanaSignMessageFeature = wallet.features;
  const signIn: SolanaSignInFeature = wallet.features;
  const account: StandardAccount | undefined = wallet.accounts[0];
  void [asStandard, connect, disconnect, events, signTransaction, signMessage, signIn, account];

  // The other direction: what a dapp hands to the features is what the wallet accepts.
  const fromDapp: StandardAccount = { address: 'x', publicKey: new Uint8Array(32), chains: ['solana:mainnet'], features: [] };
  const mine: WalletAccount = fromDapp;
  const input: SolanaSignInInput = { domain: 'app.example' };
  void wallet.features['solana:signIn'].signIn(input);
  void wallet.features['solana:signMessage'].signMessage({ account: mine, message: new Uint8Array(1) });

  const { unregister } = registerSolanaWallet(custodian.client);
  unregister();
}
