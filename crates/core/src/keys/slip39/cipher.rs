//! Encryption of the master secret with the passphrase (SLIP-0039 "Encryption of the master
//! secret"): a four-round Feistel network whose round function is PBKDF2-HMAC-SHA256.
//!
//! The network is a permutation of the whole secret, so the shares of a chosen master secret
//! can be made (a wallet can move its existing secret to shares), and every passphrase decrypts
//! to *some* secret: a wrong passphrase gives a different wallet, never an error.

use sha2::Sha256;
use zeroize::Zeroizing;

/// Rounds of the Feistel network.
const ROUNDS: u8 = 4;
/// PBKDF2 iterations of one round at iteration exponent 0 (10 000 over the four rounds).
const BASE_ROUND_ITERATIONS: u32 = 2500;
/// Salt prefix of shares without the extendable flag, followed by the identifier.
const SALT_PREFIX: &[u8] = b"shamir";

/// Which way to run the network.
#[derive(Clone, Copy)]
enum Direction {
    Encrypt,
    Decrypt,
}

/// The parameters every round shares, all taken from the shares' first two words.
#[derive(Clone, Copy)]
pub(super) struct CipherParams {
    /// The 15-bit identifier.
    pub(super) identifier: u16,
    /// The extendable-backup flag: when set, the identifier is not part of the salt, so share
    /// sets with different identifiers decrypt to the same secret under every passphrase.
    pub(super) extendable: bool,
    /// PBKDF2 runs 2500 << e iterations per round.
    pub(super) iteration_exponent: u8,
}

/// EMS = Encrypt(MS, P, e, id). `secret` has an even length (checked by the caller).
pub(super) fn encrypt(
    secret: &[u8],
    passphrase: &[u8],
    params: CipherParams,
) -> Zeroizing<Vec<u8>> {
    feistel(secret, passphrase, params, Direction::Encrypt)
}

/// MS = Decrypt(EMS, P, e, id).
pub(super) fn decrypt(
    encrypted: &[u8],
    passphrase: &[u8],
    params: CipherParams,
) -> Zeroizing<Vec<u8>> {
    feistel(encrypted, passphrase, params, Direction::Decrypt)
}

fn feistel(
    input: &[u8],
    passphrase: &[u8],
    params: CipherParams,
    direction: Direction,
) -> Zeroizing<Vec<u8>> {
    let half = input.len() / 2;
    let (left_in, right_in) = input.split_at(half);
    let mut left = Zeroizing::new(left_in.to_vec());
    let mut right = Zeroizing::new(right_in.to_vec());

    // Password = i || passphrase; salt = ["shamir" || id] || R. Both buffers are allocated
    // once at full size so no partial copy is left behind by a reallocation.
    let mut password = Zeroizing::new(Vec::with_capacity(passphrase.len().saturating_add(1)));
    password.push(0);
    password.extend_from_slice(passphrase);
    let mut salt = Zeroizing::new(Vec::with_capacity(
        SALT_PREFIX.len().saturating_add(2).saturating_add(half),
    ));
    if !params.extendable {
        salt.extend_from_slice(SALT_PREFIX);
        salt.extend_from_slice(&params.identifier.to_be_bytes());
    }
    let prefix_len = salt.len();
    let iterations = BASE_ROUND_ITERATIONS.wrapping_shl(u32::from(params.iteration_exponent));
    let mut round_key = Zeroizing::new(vec![0u8; half]);

    for step in 0..ROUNDS {
        let round = match direction {
            Direction::Encrypt => step,
            Direction::Decrypt => ROUNDS.wrapping_sub(1).wrapping_sub(step),
        };
        if let Some(first) = password.first_mut() {
            *first = round;
        }
        salt.truncate(prefix_len);
        salt.extend_from_slice(&right);
        pbkdf2::pbkdf2_hmac::<Sha256>(&password, &salt, iterations, &mut round_key);
        // (L, R) = (R, L xor F(i, R))
        for (l, k) in left.iter_mut().zip(round_key.iter()) {
            *l ^= k;
        }
        core::mem::swap(&mut left, &mut right);
    }
    // The output is R || L.
    let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
    out.extend_from_slice(&right);
    out.extend_from_slice(&left);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn decrypt_inverts_encrypt_and_the_salt_matters() {
        let secret: Vec<u8> = (0u8..16).collect();
        let params = CipherParams {
            identifier: 0x1234,
            extendable: false,
            iteration_exponent: 0,
        };
        let encrypted = encrypt(&secret, b"TREZOR", params);
        assert_ne!(*encrypted, secret);
        assert_eq!(*decrypt(&encrypted, b"TREZOR", params), secret);
        assert_ne!(*decrypt(&encrypted, b"TREZOS", params), secret);
        let other_id = CipherParams {
            identifier: 0x1235,
            ..params
        };
        assert_ne!(*encrypt(&secret, b"TREZOR", other_id), *encrypted);
        // Extendable: the identifier no longer changes the result.
        let ext = CipherParams {
            extendable: true,
            ..params
        };
        let ext_other = CipherParams {
            extendable: true,
            ..other_id
        };
        assert_eq!(
            *encrypt(&secret, b"TREZOR", ext),
            *encrypt(&secret, b"TREZOR", ext_other)
        );
    }
}
