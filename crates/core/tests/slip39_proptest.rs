//! Property tests (native only) for SLIP-0039: random secrets (16 or 32 bytes), random group
//! configurations and random qualifying subsets of the shares recover the secret; a subset one
//! share or one group short fails with the error that says so.
// A test binary: a panic is how a failed check is reported, and counts cannot overflow.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
#![cfg(not(target_arch = "wasm32"))]

use custodian_core::keys::slip39::{combine, split, Slip39Error};
use proptest::prelude::*;
use rand_core::OsRng;

/// (member threshold, member count): up to 5 members; a threshold of 1 only with one member,
/// as the spec requires.
fn group() -> impl Strategy<Value = (u8, u8)> {
    (1u8..=5).prop_flat_map(|count| {
        if count == 1 {
            Just((1u8, 1u8)).boxed()
        } else {
            (2u8..=count).prop_map(move |t| (t, count)).boxed()
        }
    })
}

/// Group threshold and groups: 1 to 5 groups.
fn scheme() -> impl Strategy<Value = (u8, Vec<(u8, u8)>)> {
    prop::collection::vec(group(), 1..=5).prop_flat_map(|groups| {
        let count = groups.len() as u8;
        (1u8..=count, Just(groups))
    })
}

/// A deterministic shuffle driven by the case's seed (splitmix64), so proptest can shrink it.
fn shuffle<T>(items: &mut [T], seed: &mut u64) {
    for i in (1..items.len()).rev() {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Each case runs the passphrase cipher twice (10 000 PBKDF2 iterations each, e = 0).
    #[test]
    fn split_then_combine(
        secret in prop_oneof![
            prop::collection::vec(any::<u8>(), 16),
            prop::collection::vec(any::<u8>(), 32),
        ],
        (group_threshold, groups) in scheme(),
        passphrase in "[ -~]{0,12}",
        extendable in any::<bool>(),
        mut seed in any::<u64>(),
    ) {
        let shares = split(&secret, &passphrase, group_threshold, &groups, 0, extendable, &mut OsRng)
            .unwrap();
        let words = if secret.len() == 16 { 20 } else { 33 };
        prop_assert_eq!(shares.len(), groups.len());
        for (group, &(_, count)) in shares.iter().zip(&groups) {
            prop_assert_eq!(group.len(), usize::from(count));
            // The spec's promise: one group's shares share their first three words.
            let prefix = |s: &str| s.split(' ').take(3).collect::<Vec<_>>().join(" ");
            let first = prefix(group[0].expose_secret());
            for share in group {
                prop_assert_eq!(share.expose_secret().split(' ').count(), words);
                prop_assert_eq!(prefix(share.expose_secret()), first.clone());
            }
        }

        // A random qualifying subset: `group_threshold` random groups, `threshold` random
        // members of each, all in random order.
        let mut group_order: Vec<usize> = (0..groups.len()).collect();
        shuffle(&mut group_order, &mut seed);
        let mut chosen: Vec<Vec<&str>> = Vec::new();
        for &g in group_order.iter().take(usize::from(group_threshold)) {
            let mut members: Vec<&str> = shares[g].iter().map(|s| s.expose_secret()).collect();
            shuffle(&mut members, &mut seed);
            members.truncate(usize::from(groups[g].0));
            chosen.push(members);
        }
        let mut subset: Vec<&str> = chosen.iter().flatten().copied().collect();
        shuffle(&mut subset, &mut seed);
        let recovered = combine(&subset, &passphrase).unwrap();
        prop_assert_eq!(recovered.expose_secret(), secret.as_slice());

        // One short: drop a member of a group that needs several, else drop a whole group.
        if let Some(members) = chosen.iter_mut().find(|m| m.len() >= 2) {
            let needed = members.len();
            members.pop();
            let short: Vec<&str> = chosen.iter().flatten().copied().collect();
            let err = combine(&short, &passphrase).unwrap_err();
            let is_insufficient = matches!(
                err,
                Slip39Error::InsufficientShares { needed: n, found: f, .. }
                    if usize::from(n) == needed && f == needed - 1
            );
            prop_assert!(is_insufficient, "{:?}", err);
        } else {
            chosen.pop();
            let short: Vec<&str> = chosen.iter().flatten().copied().collect();
            let err = combine(&short, &passphrase).unwrap_err();
            if group_threshold == 1 {
                prop_assert_eq!(err, Slip39Error::NoShares);
            } else {
                prop_assert_eq!(
                    err,
                    Slip39Error::InsufficientGroups {
                        needed: group_threshold,
                        found: usize::from(group_threshold) - 1,
                    }
                );
            }
        }
    }
}
