// The smallest Hardhat setup for tests/node/eth_hardhat.test.mjs: the in-process network only,
// on Prague so EIP-7702 transactions are accepted.
module.exports = { networks: { hardhat: { chainId: 31337, hardfork: 'prague' } } };
