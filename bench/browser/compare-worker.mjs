// The browser side of bench/compare.mjs: every build in this one Worker, interleaved.

import { compareVariants } from '/bench/lib/compare-core.mjs';

self.onmessage = async ({ data }) => {
  try {
    const { ed25519 } = await import('/@npm/@noble/curves/ed25519.js');
    const { secp256k1 } = await import('/@npm/@noble/curves/secp256k1.js');
    const { SigningKey } = await import('/node_modules/ethers/dist/ethers.js');
    const { ETH_PRIVATE_KEY } = await import('/bench/lib/fixtures.mjs');
    const anchors = { secp256k1, ed25519, ethersKey: new SigningKey(ETH_PRIVATE_KEY) };
    const variants = data.variants.map(({ name, base }) => ({
      name,
      load: async () => {
        const glue = await import(`${base}/custodian_wasm.js`);
        await glue.default({ module_or_path: `${base}/custodian_wasm_bg.wasm` });
        return { Custodian: glue.Custodian, glue };
      },
    }));
    const result = await compareVariants(variants, { ...data, ed25519, anchors, log: (t) => self.postMessage({ log: t }) });
    self.postMessage({ result });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
