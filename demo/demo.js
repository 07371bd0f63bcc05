// The demo dapp (docs/embedded.md): a page on its own origin that adds Custodian's connector,
// then behaves like any dapp. It finds wallets the standard ways (EIP-6963 for Ethereum, the
// Wallet Standard for Solana), asks for signatures, and checks every one of them here with
// ethers and @solana/web3.js. All of its files come from its own origin (scripts/build-site.mjs
// copies the libraries from node_modules).

import { connectCustodian } from './vendor/custodian-web/connector.js';
import { Transaction, formatEther, getAddress, verifyMessage, verifyTypedData } from './vendor/ethers.js';

const { PublicKey, SystemProgram, Transaction: SolanaTransaction } = globalThis.solanaWeb3;

const params = new URLSearchParams(location.search);
const WALLET_URL = params.get('wallet') ?? 'http://127.0.0.1:8080';
const RPC_URL = params.get('rpc') ?? 'http://127.0.0.1:8545';
// Another wallet window on the wallet's origin (tests use a stand-in page); default the app's.
const POPUP_PATH = params.get('popup') ?? undefined;
const HARDHAT_CHAIN = '0x7a69';

const SPENDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const RECIPIENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const SOL_RECIPIENT = 'BPFLoaderUpgradeab1e11111111111111111111111';

const $ = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element;
};

function log(text) {
  const item = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, ` ${text}`);
  $('log').prepend(item);
}

function setStatus(text, state) {
  $('status').textContent = text;
  $('status').dataset.state = state;
}

/** Fills a result box: what came back, and whether this page could verify it. */
function showResult(box, rows, verified) {
  const list = document.createElement('dl');
  list.className = 'facts';
  for (const [name, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    const code = document.createElement('code');
    code.textContent = value;
    dd.append(code);
    list.append(dt, dd);
  }
  const check = document.createElement('p');
  check.className = 'check';
  check.dataset.testid = 'verified';
  check.textContent = verified.ok ? `✓ ${verified.text}` : `✗ ${verified.text}`;
  box.replaceChildren(list, check);
  box.dataset.state = verified.ok ? 'verified' : 'mismatch';
}

function showError(box, error) {
  const code = error?.code ?? '?';
  const kind = error?.data?.kind ?? error?.name ?? 'Error';
  const text = document.createElement('p');
  text.className = 'error';
  text.textContent = `${code} ${kind}: ${error?.message ?? String(error)}`;
  box.replaceChildren(text);
  box.dataset.state = 'error';
  box.dataset.code = String(code);
  box.dataset.kind = String(kind);
  log(`request refused: ${code} ${kind}`);
}

/** Runs `work` for a button, showing progress and errors in `box`. */
function action(button, box, work) {
  button.addEventListener('click', () => {
    button.disabled = true;
    box.dataset.state = 'pending';
    delete box.dataset.code;
    delete box.dataset.kind;
    box.textContent = 'Waiting for the wallet window…';
    work()
      .catch((error) => showError(box, error))
      .finally(() => {
        button.disabled = false;
      });
  });
}

function utf8Hex(text) {
  return `0x${[...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function toBase64(bytes) {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// --- The connector: the one line a dapp adds. It announces the wallet (EIP-6963) and registers
// its Solana side (Wallet Standard) on this page, like an injected wallet would.
$('page-origin').textContent = location.origin;
$('wallet-origin').textContent = new URL(WALLET_URL).origin;
const connection = connectCustodian({ walletUrl: WALLET_URL, ...(POPUP_PATH === undefined ? {} : { popupPath: POPUP_PATH }) });

// --- Discovery, as any dapp does it. Nothing below refers to the connector.
const ethWallets = new Map(); // uuid -> {info, provider}
const solWallets = [];
let ethereum; // the chosen EIP-1193 provider
let ethAccount;
let solana; // the chosen Wallet Standard wallet
let solAccount;

function renderWallets() {
  const items = [];
  for (const { info } of ethWallets.values()) {
    const item = document.createElement('li');
    const icon = document.createElement('img');
    icon.src = info.icon;
    icon.alt = '';
    icon.width = 32;
    icon.height = 32;
    const text = document.createElement('span');
    text.textContent = `${info.name} — Ethereum (EIP-6963, ${info.rdns})`;
    item.append(icon, text);
    item.dataset.testid = 'wallet-eip6963';
    items.push(item);
  }
  for (const wallet of solWallets) {
    const item = document.createElement('li');
    const icon = document.createElement('img');
    icon.src = wallet.icon;
    icon.alt = '';
    icon.width = 32;
    icon.height = 32;
    const text = document.createElement('span');
    text.textContent = `${wallet.name} — Solana (Wallet Standard)`;
    item.append(icon, text);
    item.dataset.testid = 'wallet-standard';
    items.push(item);
  }
  $('wallets').replaceChildren(...items);
}

window.addEventListener('eip6963:announceProvider', (event) => {
  const { info, provider } = event.detail;
  ethWallets.set(info.uuid, { info, provider });
  if (ethereum === undefined && info.rdns === 'dev.custodian.wallet') useEthereum(provider);
  renderWallets();
});
window.dispatchEvent(new Event('eip6963:requestProvider'));

// The app side of the Wallet Standard's registration (what @wallet-standard/app does).
const register = (...wallets) => {
  for (const wallet of wallets) {
    if (solWallets.includes(wallet) || !wallet.chains.some((chain) => chain.startsWith('solana:'))) continue;
    solWallets.push(wallet);
    if (solana === undefined && wallet.features['solana:signTransaction'] !== undefined) useSolana(wallet);
  }
  renderWallets();
  return () => undefined;
};
window.addEventListener('wallet-standard:register-wallet', (event) => event.detail({ register }));
window.dispatchEvent(Object.assign(new Event('wallet-standard:app-ready'), { detail: { register } }));

function setEthAccount(accounts) {
  ethAccount = accounts[0];
  $('eth-account').textContent = ethAccount ?? 'not connected';
  for (const id of ['personal-sign', 'permit-sign', 'switch-chain', 'tx-sign']) $(id).disabled = ethAccount === undefined;
}

function useEthereum(provider) {
  ethereum = provider;
  $('eth-connect').disabled = false;
  provider.on('accountsChanged', (accounts) => {
    log(`accountsChanged ${JSON.stringify(accounts)}`);
    setEthAccount(accounts);
  });
  provider.on('chainChanged', (chainId) => {
    log(`chainChanged ${chainId}`);
    $('eth-chain').textContent = chainId;
  });
  provider.on('connect', ({ chainId }) => {
    $('eth-chain').textContent = chainId;
    setStatus('Wallet reachable', 'ready');
    document.body.dataset.state = 'ready';
  });
}

function useSolana(wallet) {
  solana = wallet;
  $('sol-connect').disabled = false;
  wallet.features['standard:events'].on('change', ({ accounts }) => {
    if (accounts === undefined) return;
    log(`Solana accounts: ${accounts.map((a) => a.address).join(', ') || 'none'}`);
    solAccount = accounts[0];
    $('sol-account').textContent = solAccount?.address ?? 'not connected';
    $('sol-sign').disabled = solAccount === undefined;
  });
}

connection.ready().catch((error) => {
  setStatus('Wallet unreachable', 'error');
  document.body.dataset.state = 'error';
  log(`the wallet cannot be reached: ${error.message}`);
});

// --- Ethereum

$('eth-connect').addEventListener('click', () => {
  const box = $('eth-account');
  ethereum.request({ method: 'eth_requestAccounts' }).then(
    (accounts) => {
      setEthAccount(accounts);
      log(`connected ${accounts.join(', ')}`);
      return ethereum.request({ method: 'eth_chainId' }).then((chainId) => {
        $('eth-chain').textContent = chainId;
      });
    },
    (error) => {
      box.textContent = `not connected (${error.code} ${error.data?.kind ?? ''})`.replace(' )', ')');
      box.dataset.code = String(error.code);
      log(`connect refused: ${error.code} ${error.data?.kind ?? ''}`);
    },
  );
});

action($('personal-sign'), $('personal-sign-result'), async () => {
  const message = $('message-text').value;
  const signature = await ethereum.request({ method: 'personal_sign', params: [utf8Hex(message), ethAccount] });
  const recovered = verifyMessage(message, signature);
  showResult($('personal-sign-result'), [['Signature', signature], ['Recovered', recovered]], {
    ok: recovered === getAddress(ethAccount),
    text: `ethers.verifyMessage recovers ${recovered === getAddress(ethAccount) ? 'your account' : 'another address'}`,
  });
});

function permit(chainId) {
  return {
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit',
    domain: { name: 'Demo USD', version: '1', chainId, verifyingContract: TOKEN },
    message: {
      owner: ethAccount,
      spender: SPENDER,
      value: '25000000000000000000',
      nonce: 0,
      deadline: Math.floor(Date.now() / 1000) + 3600,
    },
  };
}

action($('permit-sign'), $('permit-result'), async () => {
  const chainId = Number(await ethereum.request({ method: 'eth_chainId' }));
  const typed = permit(chainId);
  const signature = await ethereum.request({ method: 'eth_signTypedData_v4', params: [ethAccount, JSON.stringify(typed)] });
  const { EIP712Domain: _domain, ...types } = typed.types;
  const recovered = verifyTypedData(typed.domain, types, typed.message, signature);
  showResult($('permit-result'), [['Signature', signature], ['Recovered', recovered]], {
    ok: recovered === getAddress(ethAccount),
    text: `ethers.verifyTypedData recovers ${recovered === getAddress(ethAccount) ? 'your account' : 'another address'}`,
  });
});

// A local Ethereum node (Hardhat's, `npx hardhat node`) if one answers: it fills in the nonce
// and fees, funds the account from its test account, and accepts the signed transaction.
async function rpc(method, rpcParams = []) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3000);
  try {
    const response = await fetch(RPC_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: rpcParams }),
      signal: controller.signal,
    });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code });
    return body.result;
  } finally {
    clearTimeout(timer);
  }
}

let nodeChain; // the local node's chain id, if one answers
async function findNode() {
  try {
    nodeChain = await rpc('eth_chainId');
    $('node-state').textContent = `A local node answers at ${RPC_URL} (chain ${Number(nodeChain)}): the signed transaction is sent to it.`;
    $('node-state').dataset.node = 'yes';
  } catch {
    nodeChain = undefined;
    $('node-state').textContent = `No local node at ${RPC_URL}: the transaction is signed, not sent.`;
    $('node-state').dataset.node = 'no';
  }
}
void findNode();

async function waitForReceipt(hash) {
  for (let i = 0; i < 50; i += 1) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the node did not mine the transaction');
}

action($('switch-chain'), $('switch-chain-result'), async () => {
  const wanted = $('switch-chain-id').value;
  const result = await ethereum.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: wanted }] });
  const now = await ethereum.request({ method: 'eth_chainId' });
  showResult($('switch-chain-result'), [['Result', JSON.stringify(result)], ['eth_chainId', now]], {
    ok: result === null && now === wanted,
    text: `the wallet is on chain ${Number(now)}`,
  });
});

action($('tx-sign'), $('tx-result'), async () => {
  const value = 10n ** 16n; // 0.01 ETH
  let tx;
  if (nodeChain !== undefined) {
    // The wallet signs for its active chain: switch it to the node's first.
    await ethereum.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: nodeChain }] });
    const balance = BigInt(await rpc('eth_getBalance', [ethAccount, 'latest']));
    if (balance < 10n ** 17n) {
      const [faucet] = await rpc('eth_accounts');
      const funding = await rpc('eth_sendTransaction', [{ from: faucet, to: ethAccount, value: `0x${(10n ** 18n).toString(16)}` }]);
      await waitForReceipt(funding);
      log(`funded ${ethAccount} with 1 ETH from the node's test account`);
    }
    const block = await rpc('eth_getBlockByNumber', ['latest', false]);
    const base = BigInt(block.baseFeePerGas ?? '0x3b9aca00');
    tx = {
      nonce: await rpc('eth_getTransactionCount', [ethAccount, 'pending']),
      maxPriorityFeePerGas: '0x3b9aca00',
      maxFeePerGas: `0x${(base * 2n + 10n ** 9n).toString(16)}`,
      chainId: nodeChain,
    };
  } else {
    tx = {
      nonce: '0x0',
      maxPriorityFeePerGas: '0x3b9aca00',
      maxFeePerGas: '0x6fc23ac00',
      chainId: await ethereum.request({ method: 'eth_chainId' }),
    };
  }
  const request = { from: ethAccount, to: RECIPIENT, value: `0x${value.toString(16)}`, gas: '0x5208', type: '0x2', ...tx };
  const raw = await ethereum.request({ method: 'eth_signTransaction', params: [request] });
  const parsed = Transaction.from(raw);
  const ok =
    parsed.type === 2 &&
    parsed.from === getAddress(ethAccount) &&
    parsed.to === getAddress(RECIPIENT) &&
    parsed.value === value &&
    parsed.chainId === BigInt(request.chainId);
  const rows = [
    ['Raw transaction', raw],
    ['Decoded', `type ${parsed.type}, chain ${parsed.chainId}, nonce ${parsed.nonce}, ${formatEther(parsed.value)} ETH to ${parsed.to}`],
    ['Signer', parsed.from],
  ];
  if (nodeChain !== undefined && ok) {
    const hash = await rpc('eth_sendRawTransaction', [raw]);
    const receipt = await waitForReceipt(hash);
    rows.push(['Sent', `${hash} — block ${Number(receipt.blockNumber)}, status ${receipt.status === '0x1' ? 'success' : 'failed'}`]);
    $('tx-result').dataset.sent = receipt.status === '0x1' ? 'success' : 'failed';
  }
  showResult($('tx-result'), rows, {
    ok,
    text: `ethers.Transaction.from decodes an EIP-1559 transfer signed by ${parsed.from === getAddress(ethAccount) ? 'your account' : 'another address'}`,
  });
});

// --- Solana

$('sol-connect').addEventListener('click', () => {
  solana.features['standard:connect'].connect().then(
    ({ accounts }) => {
      solAccount = accounts[0];
      $('sol-account').textContent = solAccount?.address ?? 'no Solana account granted';
      $('sol-sign').disabled = solAccount === undefined;
      log(`Solana connected ${solAccount?.address ?? '(none)'}`);
    },
    (error) => {
      $('sol-account').textContent = `not connected (${error.code} ${error.data?.kind ?? ''})`;
      $('sol-account').dataset.code = String(error.code);
      log(`Solana connect refused: ${error.code} ${error.data?.kind ?? ''}`);
    },
  );
});

action($('sol-sign'), $('sol-result'), async () => {
  const from = new PublicKey(solAccount.address);
  const transfer = new SolanaTransaction({
    feePayer: from,
    // A fixed blockhash: the demo signs without a network; a real dapp asks its RPC node.
    recentBlockhash: new PublicKey(new Uint8Array(32).fill(7)).toBase58(),
  }).add(SystemProgram.transfer({ fromPubkey: from, toPubkey: new PublicKey(SOL_RECIPIENT), lamports: 1_000_000 }));
  const unsigned = transfer.serialize({ requireAllSignatures: false, verifySignatures: false });
  const [{ signedTransaction }] = await solana.features['solana:signTransaction'].signTransaction({
    account: solAccount,
    transaction: unsigned,
    chain: 'solana:devnet',
  });
  const signed = SolanaTransaction.from(signedTransaction);
  const sameMessage = toBase64(signed.serializeMessage()) === toBase64(transfer.serializeMessage());
  const ok = signed.verifySignatures() && sameMessage && signed.signatures[0]?.publicKey.equals(from);
  showResult(
    $('sol-result'),
    [
      ['Signature', signed.signatures[0]?.signature ? toBase64(signed.signatures[0].signature) : '(none)'],
      ['Signed transaction', toBase64(signedTransaction)],
    ],
    { ok, text: `@solana/web3.js verifies your account's signature over the unchanged transfer${sameMessage ? '' : ' (the message changed!)'}` },
  );
});
