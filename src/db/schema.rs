//! Table definitions shared by both backends. Written by hand (not by
//! `diesel print-schema`) because one schema has to describe both migration
//! sets, using only SQL types that `MultiBackend` supports.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        token_version -> Integer,
        locale -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    communities (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description_md -> Text,
        description_html -> Text,
        is_public -> Bool,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    memberships (community_id, user_id) {
        community_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    boards (id) {
        id -> BigInt,
        community_id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        position -> Integer,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    threads (id) {
        id -> BigInt,
        board_id -> BigInt,
        author_id -> BigInt,
        kind -> Text,
        title -> Text,
        is_locked -> Bool,
        is_pinned -> Bool,
        reply_count -> Integer,
        created_at -> Timestamp,
        last_activity_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        thread_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        depth -> Integer,
        body_md -> Text,
        body_html -> Text,
        is_deleted -> Bool,
        edit_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        body_md -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(memberships -> communities (community_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(boards -> communities (community_id));
diesel::joinable!(threads -> boards (board_id));
diesel::joinable!(threads -> users (author_id));
diesel::joinable!(posts -> threads (thread_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_revisions -> users (editor_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    communities,
    memberships,
    boards,
    threads,
    posts,
    post_revisions,
    login_throttle,
);
