//! Who belongs to which community: the membership rows and the counts and
//! page versions that go with them. Storage below both `communities`
//! (joining, invitations, appointing) and `accounts` (directory groups
//! applied at sign-in), so that neither imports the other for it.

use diesel::prelude::*;

use crate::db::schema::{communities, memberships};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::Result;
use crate::subscriptions;
use crate::vocab::{Frequency, Role};

/// Marks a community's pages as changed (members, boards).
pub fn bump_community(conn: &mut AnyConnection, community_id: i64) -> Result<()> {
    diesel::update(communities::table.find(community_id))
        .set(communities::version.eq(communities::version + 1))
        .execute(conn)?;
    Ok(())
}

/// Adds `delta` to a community's member count (and marks its pages changed).
pub fn count_members(conn: &mut AnyConnection, community_id: i64, delta: i32) -> Result<()> {
    diesel::update(communities::table.find(community_id))
        .set((
            communities::member_count.eq(communities::member_count + delta),
            communities::version.eq(communities::version + 1),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `user_id` a member (nothing if they are one already): joining,
/// accepting an invitation, or a facilitator adding them. Call inside a
/// transaction.
pub fn add_membership(conn: &mut AnyConnection, community_id: i64, user_id: i64) -> Result<()> {
    if memberships::table.find((community_id, user_id)).count().get_result::<i64>(conn)? > 0 {
        return Ok(());
    }
    diesel::insert_into(memberships::table)
        .values((
            memberships::community_id.eq(community_id),
            memberships::user_id.eq(user_id),
            memberships::role.eq(Role::Member),
            memberships::joined_at.eq(now()),
        ))
        .execute(conn)?;
    // Joining offers the weekly digest; the settings page changes it.
    if subscriptions::frequency_of(conn, user_id, community_id)? == Frequency::Off {
        subscriptions::store(conn, user_id, community_id, Frequency::Weekly)?;
    }
    count_members(conn, community_id, 1)
}

/// Brings memberships in line with the directory's groups at sign-in
/// (`[[group]]` in `sala.toml`): into each community of `wanted` with its
/// role, and out of the other `mapped` communities. The directory is the
/// authority here, so no one's permission is asked.
pub fn apply_group_memberships(
    conn: &mut AnyConnection,
    user_id: i64,
    wanted: &[(String, Role)],
    mapped: &[&str],
) -> Result<()> {
    if mapped.is_empty() {
        return Ok(());
    }
    write_tx(conn, |conn| {
        for slug in mapped {
            let found: Option<i64> = communities::table
                .filter(communities::slug.eq(*slug))
                .select(communities::id)
                .first(conn)
                .optional()?;
            let Some(community_id) = found else {
                tracing::warn!(community = %slug, "a [[group]] names a community that does not exist");
                continue;
            };
            // The strongest role any of the person's groups gives.
            let role =
                wanted.iter().filter(|(s, _)| s == slug).map(|(_, r)| *r).max_by_key(|r| *r == Role::Facilitator);
            let current: Option<Role> =
                memberships::table.find((community_id, user_id)).select(memberships::role).first(conn).optional()?;
            match (role, current) {
                (Some(role), None) => {
                    add_membership(conn, community_id, user_id)?;
                    if role == Role::Facilitator {
                        diesel::update(memberships::table.find((community_id, user_id)))
                            .set(memberships::role.eq(role))
                            .execute(conn)?;
                    }
                }
                (Some(role), Some(now_role)) if role != now_role => {
                    diesel::update(memberships::table.find((community_id, user_id)))
                        .set(memberships::role.eq(role))
                        .execute(conn)?;
                    bump_community(conn, community_id)?;
                }
                (None, Some(_)) => {
                    diesel::delete(memberships::table.find((community_id, user_id))).execute(conn)?;
                    count_members(conn, community_id, -1)?;
                }
                _ => {}
            }
        }
        Ok(())
    })
}
