// Test-only: loads the two sides of wallet-standard.html in the order `?order=` asks for, so
// both registration paths run: `dapp-first` (the default: the app is listening, the wallet's
// `wallet-standard:register-wallet` event reaches it) and `wallet-first` (nobody hears the
// wallet's event; the app's `wallet-standard:app-ready` is answered instead).

const walletFirst = new URLSearchParams(location.search).get('order') === 'wallet-first';
if (walletFirst) {
  await import('./wallet-standard-wallet.js');
  await import('./wallet-standard-dapp.js');
} else {
  await import('./wallet-standard-dapp.js');
  await import('./wallet-standard-wallet.js');
}
