//! Session tokens (JWT, HS256) and form tokens (CSRF). Any instance holding
//! the secret can check them; both are bound to the user's token version, so
//! "log out everywhere" voids them all, and a session token also names its
//! session row (`sessions`), so logging out voids that one token for good.

use hmac::{Hmac, Mac};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::User;
use crate::error::Context as _;
use crate::error::Result;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The user's token version when issued.
    pub ver: i32,
    /// The session (a row of `sessions`) this token belongs to.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

pub fn issue(secret: &[u8], user: &User, session_id: &str, hours: i64) -> Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: user.id.to_string(),
        ver: user.token_version,
        sid: session_id.to_owned(),
        iat: now,
        exp: now + hours * 3600,
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret)).context("cannot sign token")
}

/// What a valid token says: whose it is, at which token version, in which
/// session.
pub struct Verified {
    pub user_id: i64,
    pub version: i32,
    pub session_id: String,
}

/// Decodes a token, accepting only HS256 and unexpired tokens. The caller
/// still checks the session and the token version (`sessions::resolve`).
pub fn verify(secret: &[u8], token: &str) -> Option<Verified> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 5;
    let data = decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation).ok()?;
    Some(Verified { user_id: data.claims.sub.parse().ok()?, version: data.claims.ver, session_id: data.claims.sid })
}

fn csrf_mac(secret: &[u8], nonce: &str, user: Option<&User>) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    let (id, ver) = user.map(|u| (u.id, u.token_version)).unwrap_or((0, 0));
    mac.update(format!("csrf\0{nonce}\0{id}\0{ver}").as_bytes());
    mac
}

/// The CSRF token a form carries: an HMAC of the browser's random nonce
/// (kept in its own cookie) and who is logged in.
pub fn csrf_token(secret: &[u8], nonce: &str, user: Option<&User>) -> String {
    hex::encode(csrf_mac(secret, nonce, user).finalize().into_bytes())
}

pub fn csrf_matches(secret: &[u8], nonce: &str, user: Option<&User>, presented: &str) -> bool {
    let Ok(presented) = hex::decode(presented) else { return false };
    csrf_mac(secret, nonce, user).verify_slice(&presented).is_ok()
}

/// Compares secrets (signatures, tokens) in constant time.
pub fn same_secret(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}
