//! Session tokens (JWT, HS256) and form tokens (CSRF). Both are stateless:
//! any instance holding the secret can check them, and both are bound to the
//! user's token version, so "log out everywhere" voids them all.

use hmac::{Hmac, Mac};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::User;
use crate::error::{Error, Result};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The user's token version when issued.
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
}

pub fn issue(secret: &[u8], user: &User, hours: i64) -> Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims { sub: user.id.to_string(), ver: user.token_version, iat: now, exp: now + hours * 3600 };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret))
        .map_err(|e| Error::Internal(format!("cannot sign token: {e}")))
}

/// Decodes a token, accepting only HS256 and unexpired tokens. The caller
/// still compares `ver` with the stored token version.
pub fn verify(secret: &[u8], token: &str) -> Option<(i64, i32)> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 5;
    let data = decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation).ok()?;
    Some((data.claims.sub.parse().ok()?, data.claims.ver))
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
