//! Names and native currencies of well-known EVM chains (ids from the chainlist registry,
//! <https://github.com/ethereum-lists/chains>).

/// What the preview says about a chain id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ChainSpec {
    /// Human name.
    pub name: &'static str,
    /// Symbol of the native currency (all of these use 18 decimals).
    pub symbol: &'static str,
    /// A test network or a local development node.
    pub testnet: bool,
}

const fn spec(name: &'static str, symbol: &'static str, testnet: bool) -> ChainSpec {
    ChainSpec {
        name,
        symbol,
        testnet,
    }
}

/// The chain's name and currency, or `None` for an id not in the table.
pub(crate) fn lookup(chain_id: u64) -> Option<ChainSpec> {
    Some(match chain_id {
        1 => spec("Ethereum", "ETH", false),
        10 => spec("OP Mainnet", "ETH", false),
        56 => spec("BNB Smart Chain", "BNB", false),
        100 => spec("Gnosis", "xDAI", false),
        137 => spec("Polygon", "POL", false),
        250 => spec("Fantom", "FTM", false),
        324 => spec("zkSync Era", "ETH", false),
        1101 => spec("Polygon zkEVM", "ETH", false),
        5000 => spec("Mantle", "MNT", false),
        8453 => spec("Base", "ETH", false),
        42161 => spec("Arbitrum One", "ETH", false),
        42170 => spec("Arbitrum Nova", "ETH", false),
        43114 => spec("Avalanche C-Chain", "AVAX", false),
        59144 => spec("Linea", "ETH", false),
        81457 => spec("Blast", "ETH", false),
        534352 => spec("Scroll", "ETH", false),
        7777777 => spec("Zora", "ETH", false),
        17000 => spec("Holesky", "ETH", true),
        560048 => spec("Hoodi", "ETH", true),
        11155111 => spec("Sepolia", "ETH", true),
        84532 => spec("Base Sepolia", "ETH", true),
        421614 => spec("Arbitrum Sepolia", "ETH", true),
        11155420 => spec("OP Sepolia", "ETH", true),
        80002 => spec("Polygon Amoy", "POL", true),
        1337 => spec("Local development chain", "ETH", true),
        31337 => spec("Hardhat / Anvil local chain", "ETH", true),
        _ => return None,
    })
}

/// The chain's name for display: the table's, or "chain 12345".
pub(crate) fn name(chain_id: u64) -> String {
    lookup(chain_id).map_or_else(|| format!("chain {chain_id}"), |c| c.name.to_owned())
}

/// The native currency's symbol, or a neutral word when the chain is unknown (showing "ETH" for
/// an unknown chain could mislead).
pub(crate) fn symbol(chain_id: u64) -> &'static str {
    lookup(chain_id).map_or("native units", |c| c.symbol)
}
