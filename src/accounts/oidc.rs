//! Signing in with the organisation's OpenID Connect provider: the
//! authorization code flow with PKCE, the provider found by discovery from
//! its issuer URL, and the ID token checked (signature, issuer, audience,
//! expiry, nonce) by the `openidconnect` crate. What a sign-in under way
//! needs at the callback is kept in `oidc_logins`, so any instance can
//! finish it; the state is also bound to the browser by a cookie (see
//! `web::pages::sso`).

use base64::Engine;
use chrono::Duration;
use diesel::prelude::*;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse, UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::external::{self, Identity};
use super::User;
use crate::config::{GroupMapping, OidcSettings};
use crate::db::schema::{oidc_logins, users};
use crate::db::{now, AnyConnection, Db};
use crate::error::{Error, Result};

pub const PROVIDER: &str = "oidc";

/// How long someone may take at the provider's login page.
const SIGN_IN_MINUTES: i64 = 10;

/// The claims a provider sends beyond the standard ones: the groups claim
/// (not standard, and named differently by each provider) is among them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type UserInfo = UserInfoClaims<OtherClaims, CoreGenderClaim>;

/// The names a groups claim lists: an array of names, or one name.
fn group_names(claim: Option<&serde_json::Value>) -> Vec<String> {
    match claim {
        Some(serde_json::Value::Array(names)) => names.iter().filter_map(|n| n.as_str()).map(str::to_owned).collect(),
        Some(serde_json::Value::String(name)) => vec![name.clone()],
        _ => Vec::new(),
    }
}

/// The payload of an ID token whose signature was already checked: the
/// crate's ID token type keeps only the standard claims.
fn checked_id_token_payload(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Whether `groups` holds `group`; Keycloak writes a group as its path
/// (`/km-team`), which `km-team` names too.
fn in_group(groups: &[String], group: &str) -> bool {
    let bare = group.trim_start_matches('/');
    groups.iter().any(|g| g.trim_start_matches('/') == bare)
}

fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

fn http() -> Result<openidconnect::reqwest::blocking::Client> {
    openidconnect::reqwest::blocking::ClientBuilder::new()
        // Following redirects would let a provider's answer send Sala anywhere.
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| Error::SignInUnavailable(format!("cannot make an HTTP client: {e}")))
}

fn discover(settings: &OidcSettings, http: &openidconnect::reqwest::blocking::Client) -> Result<CoreProviderMetadata> {
    let issuer = IssuerUrl::new(settings.issuer.clone())
        .map_err(|e| Error::SignInUnavailable(format!("SALA_OIDC_ISSUER is not a URL: {e}")))?;
    CoreProviderMetadata::discover(&issuer, http).map_err(|e| {
        Error::SignInUnavailable(format!(
            "the OpenID Connect provider at {} cannot be discovered: {e}",
            settings.issuer
        ))
    })
}

fn redirect_url(base_url: &str) -> Result<RedirectUrl> {
    RedirectUrl::new(format!("{}/auth/oidc/callback", base_url.trim_end_matches('/')))
        .map_err(|e| Error::setup(format!("SALA_BASE_URL does not make a redirect URL: {e}")))
}

/// Sala's client at the provider, from discovery (what discovery found
/// decides which endpoints there are).
type ProviderClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

fn provider_client(
    settings: &OidcSettings,
    base_url: &str,
    http: &openidconnect::reqwest::blocking::Client,
) -> Result<ProviderClient> {
    Ok(CoreClient::from_provider_metadata(
        discover(settings, http)?,
        ClientId::new(settings.client_id.clone()),
        Some(ClientSecret::new(settings.client_secret.clone())),
    )
    .set_redirect_uri(redirect_url(base_url)?))
}

/// Whether the provider can be discovered (for `/healthz` and the start).
pub fn probe(settings: &OidcSettings) -> Result<()> {
    discover(settings, &http()?).map(|_| ())
}

/// Starts a sign-in: the provider's URL to send the browser to, and the
/// state to bind to it. Takes a database connection only to store the
/// sign-in, not while the provider is asked (a slow provider must not hold
/// up the pool).
pub fn start(db: &Db, settings: &OidcSettings, base_url: &str, next: &str) -> Result<(String, String)> {
    let http = http()?;
    let client = provider_client(settings, base_url, &http)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .add_scopes(settings.extra_scopes.iter().cloned().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();
    let mut pooled = db.conn()?;
    let conn: &mut AnyConnection = &mut pooled;
    let at = now();
    diesel::delete(oidc_logins::table.filter(oidc_logins::created_at.lt(at - Duration::minutes(SIGN_IN_MINUTES))))
        .execute(conn)?;
    diesel::insert_into(oidc_logins::table)
        .values((
            oidc_logins::state_hash.eq(state_hash(state.secret())),
            oidc_logins::nonce.eq(nonce.secret()),
            oidc_logins::pkce_verifier.eq(verifier.secret()),
            oidc_logins::next_path.eq(next),
            oidc_logins::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok((url.to_string(), state.secret().clone()))
}

/// Finishes a sign-in at the callback: the account, and where to go. As
/// [`start`], the database connection is not held while the provider is asked.
pub fn finish(
    db: &Db,
    settings: &OidcSettings,
    mappings: &[GroupMapping],
    base_url: &str,
    state: &str,
    code: &str,
) -> Result<(User, String)> {
    // Used up at once, whatever follows: a state works once.
    let pending: Option<(String, String, String, chrono::NaiveDateTime)> =
        diesel::delete(oidc_logins::table.find(state_hash(state)))
            .returning((
                oidc_logins::nonce,
                oidc_logins::pkce_verifier,
                oidc_logins::next_path,
                oidc_logins::created_at,
            ))
            .get_result(&mut db.conn()?)
            .optional()?;
    let Some((nonce, verifier, next, created_at)) = pending else {
        return Err(Error::Refused("error-sign-in-refused"));
    };
    if created_at < now() - Duration::minutes(SIGN_IN_MINUTES) {
        return Err(Error::Refused("error-sign-in-refused"));
    }
    let http = http()?;
    let client = provider_client(settings, base_url, &http)?;
    let refused = |what: &str, e: &dyn std::fmt::Display| {
        tracing::warn!(error = %e, "OpenID Connect sign-in refused: {what}");
        Error::Refused("error-sign-in-refused")
    };
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .map_err(|e| refused("no token endpoint", &e))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request(&http)
        .map_err(|e| refused("the code was not accepted", &e))?;
    let id_token = tokens.id_token().ok_or_else(|| refused("no ID token", &"none"))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce))
        .map_err(|e| refused("the ID token did not check out", &e))?;
    let subject = claims.subject().as_str();
    // Many providers put the profile in the ID token; others (as the
    // specification allows) only behind the UserInfo endpoint, which must
    // then name the same subject.
    let info: Option<UserInfo> =
        client.user_info(tokens.access_token().clone(), Some(claims.subject().clone())).ok().and_then(|request| {
            request.request(&http).map_err(|e| tracing::warn!(error = %e, "OpenID Connect UserInfo failed")).ok()
        });
    let email =
        info.as_ref().and_then(|i| i.email()).or(claims.email()).map(|e| e.as_str().to_lowercase()).unwrap_or_default();
    let email_verified = info.as_ref().and_then(|i| i.email_verified()).or(claims.email_verified()).unwrap_or(false);
    let login = info
        .as_ref()
        .and_then(|i| i.preferred_username())
        .or(claims.preferred_username())
        .map(|u| u.as_str().to_owned())
        .or_else(|| email.split('@').next().filter(|l| !l.is_empty()).map(str::to_owned))
        .unwrap_or_else(|| subject.to_owned());
    let name = info
        .as_ref()
        .and_then(|i| i.name())
        .or(claims.name())
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|| login.clone());
    let groups = group_names(
        info.as_ref()
            .and_then(|i| i.additional_claims().claims.get(&settings.groups_claim))
            .or(checked_id_token_payload(&id_token.to_string()).as_ref().and_then(|p| p.get(&settings.groups_claim))),
    );
    let communities = external::mapped_communities(mappings, |group| Ok(in_group(&groups, group)))?;
    // An existing account with the same address joins the provider only
    // when the provider vouches for the address and the admin allowed it.
    let mut pooled = db.conn()?;
    let conn: &mut AnyConnection = &mut pooled;
    let link_to: Option<i64> = if settings.link_by_email && email_verified && !email.is_empty() {
        users::table
            .filter(users::email.eq(&email))
            .filter(users::email_confirmed_at.is_not_null())
            .select(users::id)
            .first(conn)
            .optional()?
    } else {
        None
    };
    let identity = Identity {
        provider: PROVIDER,
        subject,
        login: &login,
        display_name: &name,
        email: &email,
        email_verified,
        is_admin: settings.admin_group.as_deref().map(|group| in_group(&groups, group)),
        communities: &communities,
    };
    let user = external::provision(conn, &identity, link_to, mappings)?;
    Ok((user, next))
}
