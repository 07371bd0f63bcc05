// Cold start of an anchor in a fresh module Worker: load its code, make a signer from a raw
// key, first EIP-191 signature (no KDF: the anchors hold no vault).

const mark = () => performance.timeOrigin + performance.now();
const marks = { scriptStart: mark() };
const lib = new URL(self.location.href).searchParams.get('lib');
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const MESSAGE = 'Hello, Custodian! Sign this message to prove you own this account.';

try {
  let sign;
  if (lib === 'ethers') {
    const { Wallet } = await import('/node_modules/ethers/dist/ethers.min.js');
    marks.loaded = mark();
    const wallet = new Wallet(KEY);
    sign = () => wallet.signMessage(MESSAGE);
  } else if (lib === 'viem') {
    const { privateKeyToAccount } = await import('/@npm/viem/accounts');
    marks.loaded = mark();
    const account = privateKeyToAccount(KEY);
    sign = () => account.signMessage({ message: MESSAGE });
  } else if (lib === 'noble') {
    const [{ secp256k1 }, { keccak_256 }] = await Promise.all([
      import('/@npm/@noble/curves/secp256k1.js'),
      import('/@npm/@noble/hashes/sha3.js'),
    ]);
    marks.loaded = mark();
    const enc = new TextEncoder();
    const msg = enc.encode(MESSAGE);
    const key = Uint8Array.from(KEY.slice(2).match(/../g).map((h) => parseInt(h, 16)));
    sign = () => secp256k1.sign(keccak_256(new Uint8Array([...enc.encode(`\x19Ethereum Signed Message:\n${msg.length}`), ...msg])), key, { prehash: false, format: 'recovered' });
  } else {
    throw new Error(`unknown lib ${lib}`);
  }
  marks.constructed = mark();
  await sign();
  marks.firstSignature = mark();
  self.postMessage({ marks });
} catch (error) {
  self.postMessage({ error: String(error?.stack ?? error) });
}
