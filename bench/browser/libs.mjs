// Loads Custodian and the anchors inside a browser Worker, through the bench server
// (bench/lib/modserver.mjs): ES modules straight from node_modules, CommonJS packages bundled
// on the fly, @solana/web3.js from its published IIFE build.

export const WASM_URL = '/web/pkg/custodian_wasm_bg.wasm';

export async function loadCustodian() {
  const glue = await import('/web/pkg/custodian_wasm.js');
  const exports = await glue.default({ module_or_path: WASM_URL });
  return { Custodian: glue.Custodian, memory: () => exports.memory.buffer.byteLength };
}

export async function loadAnchors({ walletCore = true } = {}) {
  const [{ secp256k1 }, { ed25519 }, { keccak_256 }] = await Promise.all([
    import('/@npm/@noble/curves/secp256k1.js'),
    import('/@npm/@noble/curves/ed25519.js'),
    import('/@npm/@noble/hashes/sha3.js'),
  ]);
  const L = {
    noble: { secp256k1, ed25519, keccak_256 },
    ethers: await import('/node_modules/ethers/dist/ethers.js'),
    viem: await import('/@npm/viem/accounts'),
    nacl: (await import('/@npm/tweetnacl')).default,
    web3: (await import('/node_modules/@solana/web3.js/lib/index.iife.min.js?global=solanaWeb3')).default,
    hashwasm: await import('/@npm/hash-wasm'),
    argon2browser: (await import('/node_modules/argon2-browser/dist/argon2-bundled.min.js?cjs')).default,
    passworder: await import('/@npm/@metamask/browser-passworder'),
    wc: null,
    notes: [],
  };
  if (walletCore) {
    try {
      const wc = (await import('/@npm/@trustwallet/wallet-core')).default;
      // Its loader fetches wallet-core.wasm next to this Worker's script: the bench server
      // maps that path to the package's file (bench/run.mjs, `aliases`).
      const core = await wc.initWasm();
      L.wc = { core, TW: wc.TW };
    } catch (error) {
      L.notes.push(`wallet-core did not load in the browser: ${error?.message ?? error}`);
    }
  }
  return L;
}
