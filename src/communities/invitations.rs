//! Invitations: how people come into a community, above all a private one.
//! A facilitator invites an account (by username) or an address (which may
//! have no account yet); the invitee sees it under the bell and by email,
//! and accepts or declines, once, before it expires. Facilitators may also
//! add and remove members directly.

use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{add_membership, count_members, readable, Community, Role};
use crate::accounts::{self, links, User};
use crate::authz::{authorize, Action, Viewer};
use crate::db::schema::{communities, invitations, memberships, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::outbox::MailContext;
use crate::vocab::InvitationStatus;

/// How long an invitation stays open.
const LIFETIME_DAYS: i64 = 14;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub community_id: i64,
    pub invited_by: i64,
    /// The account invited; none when an address without an account was.
    pub user_id: Option<i64>,
    /// The address invited, when it had no account.
    pub email: Option<String>,
    pub status: InvitationStatus,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub decided_at: Option<chrono::NaiveDateTime>,
}

/// Whom to invite: one of the two.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Invitee {
    pub username: Option<String>,
    pub email: Option<String>,
}

/// An invitation as its invitee sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable)]
pub struct InvitationView {
    pub id: i64,
    pub community_slug: String,
    pub community_name: String,
    pub inviter_name: String,
    pub status: InvitationStatus,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A facilitator's community, checked.
fn managed(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<Community> {
    let (community, standing) = readable(conn, viewer, slug)?;
    authorize(viewer, standing, Action::ManageMembers)?;
    Ok(community)
}

fn is_member(conn: &mut AnyConnection, community_id: i64, user_id: i64) -> Result<bool> {
    Ok(memberships::table.find((community_id, user_id)).count().get_result::<i64>(conn)? > 0)
}

/// Invites an account or an address, and mails the link.
pub fn invite(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    viewer: Viewer,
    slug: &str,
    invitee: &Invitee,
) -> Result<Invitation> {
    let community = managed(conn, viewer, slug)?;
    let inviter = accounts::find(conn, viewer.user_id.ok_or(Error::Unauthenticated)?)?;
    let username = invitee.username.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let email = invitee.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|s| !s.is_empty());
    let (user, email): (Option<User>, Option<String>) = match (username, email) {
        (Some(name), None) => match accounts::find_by_username(conn, name) {
            Ok(user) if user.closed_at.is_none() => (Some(user), None),
            _ => return Err(Error::invalid("username", "error-no-such-user")),
        },
        (None, Some(email)) => {
            let mut v = Validator::default();
            v.check(accounts::valid_email(&email), FieldError::new("email", "error-email-format"));
            v.finish()?;
            let holder: Option<User> = users::table
                .filter(users::email.eq(&email))
                .filter(users::email_confirmed_at.is_not_null())
                .select(User::as_select())
                .first(conn)
                .optional()?;
            match holder {
                Some(user) => (Some(user), None),
                None => (None, Some(email)),
            }
        }
        _ => return Err(Error::invalid("username", "error-invite-whom")),
    };
    if let Some(user) = &user {
        if is_member(conn, community.id, user.id)? {
            return Err(Error::invalid("username", "error-already-member"));
        }
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    write_tx(conn, |conn| {
        let at = now();
        let open = invitations::table
            .filter(invitations::community_id.eq(community.id))
            .filter(invitations::status.eq(InvitationStatus::Pending))
            .filter(invitations::expires_at.gt(at))
            .into_boxed();
        let open = match (&user, &email) {
            (Some(u), _) => open.filter(invitations::user_id.eq(u.id)),
            (None, e) => open.filter(invitations::email.eq(e.clone())),
        };
        if open.count().get_result::<i64>(conn)? > 0 {
            return Err(Error::invalid(if user.is_some() { "username" } else { "email" }, "error-already-invited"));
        }
        let id: i64 = diesel::insert_into(invitations::table)
            .values((
                invitations::community_id.eq(community.id),
                invitations::invited_by.eq(inviter.id),
                invitations::user_id.eq(user.as_ref().map(|u| u.id)),
                invitations::email.eq(&email),
                invitations::token_hash.eq(token_hash(&token)),
                invitations::status.eq(InvitationStatus::Pending),
                invitations::created_at.eq(at),
                invitations::expires_at.eq(at + Duration::days(LIFETIME_DAYS)),
            ))
            .returning(invitations::id)
            .get_result(conn)?;
        let invitation: Invitation = invitations::table.find(id).select(Invitation::as_select()).first(conn)?;
        let link = format!("{}/invitations/{token}", ctx.base_url);
        let mail = links::AccountMail {
            kind: "invitation",
            dedupe_key: format!("invitation:{}", invitation.id),
            link: Some(&link),
            args: vec![("inviter", inviter.display_name.clone()), ("community", community.name.clone())],
            to: email.as_deref(),
        };
        // Mail for an address with no account yet goes in the inviter's
        // name (and language); the invitee signs up with that address.
        links::enqueue(conn, ctx, user.as_ref().unwrap_or(&inviter), mail)?;
        Ok(invitation)
    })
}

/// The open invitations addressed to `user`: to the account, or to its
/// confirmed address.
fn addressed_to(user: &User) -> invitations::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut query = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .filter(invitations::expires_at.gt(now()))
        .into_boxed();
    query = if user.email_confirmed() {
        query.filter(invitations::user_id.eq(user.id).or(invitations::email.eq(user.email.clone())))
    } else {
        query.filter(invitations::user_id.eq(user.id))
    };
    query
}

/// How many invitations wait for `user` (counted under the bell).
pub fn pending_count(conn: &mut AnyConnection, user: &User) -> Result<i64> {
    // Every signed-in page asks: the same rule as `addressed_to`, unboxed so
    // that it runs as one cached statement on the inner connection (an
    // unconfirmed address compares with NULL, which matches nothing).
    let email = user.email_confirmed().then(|| user.email.clone());
    let query = invitations::table
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .filter(invitations::expires_at.gt(now()))
        .filter(invitations::user_id.eq(user.id).or(invitations::email.eq(email)))
        .count();
    Ok(crate::db::on_inner!(conn, |c| query.get_result(c))?)
}

/// The invitations waiting for `user`, newest first.
pub fn mine(conn: &mut AnyConnection, user: &User) -> Result<Vec<InvitationView>> {
    let ids: Vec<i64> = addressed_to(user).select(invitations::id).load(conn)?;
    views_of(conn, &ids)
}

fn views_of(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<InvitationView>> {
    Ok(invitations::table
        .inner_join(communities::table)
        .inner_join(users::table.on(users::id.eq(invitations::invited_by)))
        .filter(invitations::id.eq_any(ids))
        .order(invitations::id.desc())
        .select((
            invitations::id,
            communities::slug,
            communities::name,
            users::display_name,
            invitations::status,
            invitations::created_at,
            invitations::expires_at,
        ))
        .load(conn)?)
}

/// An open invitation as the community's facilitators see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingInvitation {
    /// The account's username, or the address invited.
    pub who: String,
    pub expires_at: chrono::NaiveDateTime,
}

/// The community's open invitations, for its facilitators' members page.
pub fn pending_in(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<PendingInvitation>> {
    let rows: Vec<(Option<String>, Option<String>, chrono::NaiveDateTime)> = invitations::table
        .left_join(users::table.on(invitations::user_id.eq(users::id.nullable())))
        .filter(invitations::community_id.eq(community_id))
        .filter(invitations::status.eq(InvitationStatus::Pending))
        .filter(invitations::expires_at.gt(now()))
        .order(invitations::id.desc())
        .select((users::username.nullable(), invitations::email, invitations::expires_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(username, email, expires_at)| PendingInvitation {
            who: username.or(email).unwrap_or_default(),
            expires_at,
        })
        .collect())
}

/// The invitation behind a mailed link, for its page.
pub fn by_token(conn: &mut AnyConnection, token: &str) -> Result<(Invitation, InvitationView)> {
    let invitation: Invitation = invitations::table
        .filter(invitations::token_hash.eq(token_hash(token)))
        .select(Invitation::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::Refused("error-link-invalid"))?;
    let view = views_of(conn, &[invitation.id])?.pop().ok_or(Error::NotFound)?;
    Ok((invitation, view))
}

/// Accepts (joining the community) or declines an invitation addressed to
/// `user`. Each invitation is decided once, before it expires.
pub fn decide(conn: &mut AnyConnection, user: &User, invitation_id: i64, accept: bool) -> Result<Invitation> {
    write_tx(conn, |conn| {
        let invitation: Invitation = invitations::table
            .find(invitation_id)
            .select(Invitation::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound)?;
        let addressed = invitation.user_id == Some(user.id)
            || (invitation.email.as_deref() == Some(user.email.as_str()) && user.email_confirmed());
        if !addressed {
            return Err(Error::NotFound);
        }
        if invitation.status != InvitationStatus::Pending {
            return Err(Error::Refused("error-invitation-used"));
        }
        let at = now();
        if invitation.expires_at <= at {
            return Err(Error::Refused("error-invitation-expired"));
        }
        let status = if accept { InvitationStatus::Accepted } else { InvitationStatus::Declined };
        // Decided once, even by two clicks at the same moment.
        let changed = diesel::update(
            invitations::table.find(invitation_id).filter(invitations::status.eq(InvitationStatus::Pending)),
        )
        .set((invitations::status.eq(status), invitations::decided_at.eq(Some(at)), invitations::user_id.eq(user.id)))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::Refused("error-invitation-used"));
        }
        if accept {
            add_membership(conn, invitation.community_id, user.id)?;
        }
        Ok(invitations::table.find(invitation_id).select(Invitation::as_select()).first(conn)?)
    })
}

/// [`decide`] through the mailed link's token.
pub fn decide_by_token(conn: &mut AnyConnection, user: &User, token: &str, accept: bool) -> Result<Invitation> {
    let (invitation, _) = by_token(conn, token)?;
    decide(conn, user, invitation.id, accept)
}

/// A facilitator adds an account to the community at once.
pub fn add_member(conn: &mut AnyConnection, viewer: Viewer, slug: &str, username: &str) -> Result<()> {
    let community = managed(conn, viewer, slug)?;
    let user = match accounts::find_by_username(conn, username) {
        Ok(user) if user.closed_at.is_none() => user,
        _ => return Err(Error::invalid("username", "error-no-such-user")),
    };
    write_tx(conn, |conn| add_membership(conn, community.id, user.id))
}

/// A facilitator removes a member; only an admin removes a facilitator.
pub fn remove_member(conn: &mut AnyConnection, viewer: Viewer, slug: &str, username: &str) -> Result<()> {
    let community = managed(conn, viewer, slug)?;
    let user = accounts::find_by_username(conn, username).map_err(|_| Error::NotFound)?;
    write_tx(conn, |conn| {
        let role: Option<Role> =
            memberships::table.find((community.id, user.id)).select(memberships::role).first(conn).optional()?;
        match role {
            None => Ok(()),
            Some(Role::Facilitator) if !viewer.is_admin => Err(Error::Forbidden),
            Some(_) => {
                diesel::delete(memberships::table.find((community.id, user.id))).execute(conn)?;
                count_members(conn, community.id, -1)
            }
        }
    })
}
