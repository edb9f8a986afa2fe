//! API tokens: a random secret shown once, stored only as its SHA-256.

use sha2::{Digest, Sha256};

/// Prefix that makes a twinmatch token recognisable in logs and configs.
pub const PREFIX: &str = "tm_";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new token (256 random bits) and the hash to store.
pub fn new_token() -> std::io::Result<(String, String)> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| std::io::Error::other(e.to_string()))?;
    let token = format!("{PREFIX}{}", hex(&secret));
    let hash = hash_token(&token);
    Ok((token, hash))
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, ha) = new_token().unwrap();
        let (b, _) = new_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(PREFIX) && a.len() == PREFIX.len() + 64);
        assert_eq!(ha, hash_token(&a));
        assert_eq!(ha.len(), 64);
        assert_ne!(ha, a);
    }
}
