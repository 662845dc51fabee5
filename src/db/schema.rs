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
        notify_replies -> Bool,
        notify_resolved -> Bool,
        mail_failure -> Nullable<Text>,
        email_confirmed_at -> Nullable<Timestamp>,
        feed_token -> Nullable<Text>,
        unit -> Text,
        position -> Text,
        closed_at -> Nullable<Timestamp>,
        deactivated_at -> Nullable<Timestamp>,
        break_glass -> Bool,
        notify_mentions -> Bool,
        hide_from_rankings -> Bool,
    }
}

diesel::table! {
    user_mutes (user_id, muted_id) {
        user_id -> BigInt,
        muted_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// One row, rewritten by `/healthz` to prove the database takes writes.
    health_probe (id) {
        id -> Integer,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    trusted_logins (user_id, client_key) {
        user_id -> BigInt,
        client_key -> Text,
        last_success_at -> Timestamp,
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
        thread_count -> Integer,
        member_count -> Integer,
        review_months -> Integer,
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
        thread_count -> Integer,
        default_kind -> Text,
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
        accepted_post_id -> Nullable<BigInt>,
        ready_to_distill -> Bool,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
        is_hidden -> Bool,
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
        hidden_at -> Nullable<Timestamp>,
        moderated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    flags (id) {
        id -> BigInt,
        post_id -> BigInt,
        community_id -> BigInt,
        flagger_id -> BigInt,
        reason -> Text,
        note -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
    }
}

diesel::table! {
    suspensions (id) {
        id -> BigInt,
        user_id -> BigInt,
        community_id -> Nullable<BigInt>,
        reason -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<BigInt>,
        lifted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<BigInt>,
        subject_user_id -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> BigInt,
        post_id -> BigInt,
        editor_id -> BigInt,
        body_md -> Text,
        created_at -> Timestamp,
        body_html -> Text,
    }
}

diesel::table! {
    /// Counters of events in a time window, by key: failed logins, sign-ups,
    /// writes (see `throttle`).
    throttles (throttle_key) {
        throttle_key -> Text,
        hits -> Integer,
        window_started_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_items (id) {
        id -> BigInt,
        community_id -> BigInt,
        source_thread_id -> Nullable<BigInt>,
        status -> Text,
        title -> Text,
        summary -> Text,
        tags -> Text,
        review_on -> Nullable<Date>,
        last_reviewed_at -> Nullable<Timestamp>,
        current_revision -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        owner_id -> Nullable<BigInt>,
        review_reminded_on -> Nullable<Date>,
    }
}

diesel::table! {
    knowledge_revisions (id) {
        id -> BigInt,
        item_id -> BigInt,
        number -> Integer,
        author_id -> BigInt,
        note -> Text,
        title -> Text,
        summary -> Text,
        context_md -> Text,
        context_html -> Text,
        solution_md -> Text,
        solution_html -> Text,
        lessons_md -> Text,
        lessons_html -> Text,
        tags -> Text,
        review_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_citations (id) {
        id -> BigInt,
        item_id -> BigInt,
        post_id -> Nullable<BigInt>,
        author_id -> BigInt,
        excerpt_md -> Text,
        excerpt_html -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_contributors (item_id, user_id, role) {
        item_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
    }
}

diesel::table! {
    knowledge_tags (item_id, tag) {
        item_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    knowledge_suggestions (id) {
        id -> BigInt,
        item_id -> BigInt,
        author_id -> BigInt,
        note -> Text,
        title -> Text,
        summary -> Text,
        context_md -> Text,
        solution_md -> Text,
        lessons_md -> Text,
        tags -> Text,
        status -> Text,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_feedback (id) {
        id -> BigInt,
        item_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        comment -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (user_id, community_id) {
        user_id -> BigInt,
        community_id -> BigInt,
        frequency -> Text,
        watermark -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        dedupe_key -> Text,
        kind -> Text,
        user_id -> BigInt,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        unsubscribe_url -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        community_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        thread_id -> BigInt,
        post_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        mail_state -> Nullable<Text>,
        mailed_at -> Nullable<Timestamp>,
        watch_kind -> Nullable<Text>,
        watch_target -> Nullable<Text>,
        digested_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(subscriptions -> communities (community_id));
diesel::joinable!(subscriptions -> users (user_id));
diesel::joinable!(outbox -> users (user_id));
diesel::joinable!(notifications -> threads (thread_id));
diesel::joinable!(knowledge_items -> communities (community_id));
diesel::joinable!(knowledge_revisions -> knowledge_items (item_id));
diesel::joinable!(knowledge_revisions -> users (author_id));
diesel::joinable!(knowledge_citations -> knowledge_items (item_id));
diesel::joinable!(knowledge_citations -> users (author_id));
diesel::joinable!(knowledge_contributors -> knowledge_items (item_id));
diesel::joinable!(knowledge_contributors -> users (user_id));
diesel::joinable!(knowledge_tags -> knowledge_items (item_id));
diesel::joinable!(knowledge_applied -> knowledge_items (item_id));
diesel::joinable!(km_indicator_entries -> km_indicators (indicator_id));
diesel::joinable!(km_indicators -> km_scopes (scope_id));
diesel::joinable!(thread_tags -> threads (thread_id));
diesel::joinable!(user_topics -> users (user_id));
diesel::joinable!(answer_invitations -> threads (thread_id));
diesel::joinable!(knowledge_suggestions -> knowledge_items (item_id));
diesel::joinable!(knowledge_suggestions -> users (author_id));
diesel::joinable!(knowledge_feedback -> knowledge_items (item_id));
diesel::table! {
    /// What search finds. Its terms live beside it, per engine: a contentless
    /// FTS5 table `search_terms` (SQLite) or a `terms` tsvector column
    /// (PostgreSQL); `search::engine` is the only code that touches either.
    search_documents (id) {
        id -> BigInt,
        kind -> Text,
        source_id -> BigInt,
        community_id -> BigInt,
        thread_id -> Nullable<BigInt>,
        author_id -> BigInt,
        title -> Text,
        resolved -> Bool,
        status -> Text,
        boost -> Double,
        created_at -> Timestamp,
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
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(flags -> posts (post_id));
diesel::joinable!(audit_log -> communities (community_id));

diesel::table! {
    invitations (id) {
        id -> BigInt,
        community_id -> BigInt,
        invited_by -> BigInt,
        user_id -> Nullable<BigInt>,
        email -> Nullable<Text>,
        token_hash -> Text,
        status -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(invitations -> communities (community_id));

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        next_path -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    external_identities (provider, subject) {
        provider -> Text,
        subject -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Uploaded files; the bytes are in the store under their SHA-256.
    attachments (id) {
        id -> BigInt,
        community_id -> BigInt,
        uploader_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        preview_sha256 -> Nullable<Text>,
        preview_type -> Nullable<Text>,
        preview_width -> Nullable<Integer>,
        preview_height -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Profile pictures (two square sizes, in the file store).
    avatars (user_id) {
        user_id -> BigInt,
        large_sha256 -> Text,
        small_sha256 -> Text,
        content_type -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    thread_tags (thread_id, tag) {
        thread_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    watches (user_id, kind, target) {
        user_id -> BigInt,
        kind -> Text,
        target -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_topics (user_id, tag) {
        user_id -> BigInt,
        tag -> Text,
    }
}

diesel::table! {
    answer_invitations (id) {
        id -> BigInt,
        thread_id -> BigInt,
        user_id -> BigInt,
        invited_by -> BigInt,
        created_at -> Timestamp,
        reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    similar_answers (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        source_id -> BigInt,
        community_id -> BigInt,
        asked_title -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The organisation's search dictionary (see `search::dictionary`).
    search_words (id) {
        id -> BigInt,
        community_id -> Nullable<BigInt>,
        kind -> Text,
        words -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    search_meta (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    /// Background index rebuilds (see `search::rebuild`).
    search_rebuilds (id) {
        id -> BigInt,
        words -> Text,
        done -> BigInt,
        total -> BigInt,
        claimed_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    search_vocabulary (term) {
        term -> Text,
    }
}

diesel::table! {
    /// Searches without who made them (see `search::log`).
    search_log (id) {
        id -> BigInt,
        query -> Text,
        community_id -> Nullable<BigInt>,
        result_count -> Integer,
        searched_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_applied (id) {
        id -> BigInt,
        item_id -> BigInt,
        user_id -> BigInt,
        minutes_saved -> Nullable<Integer>,
        story -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_reviews (id) {
        id -> BigInt,
        item_id -> BigInt,
        reviewer_id -> BigInt,
        outcome -> Text,
        due_on -> Nullable<Date>,
        reviewed_at -> Timestamp,
    }
}

diesel::table! {
    knowledge_reads (item_id, user_id, read_on) {
        item_id -> BigInt,
        user_id -> BigInt,
        read_on -> Date,
    }
}

diesel::table! {
    post_attachments (post_id, attachment_id) {
        post_id -> BigInt,
        attachment_id -> BigInt,
    }
}

diesel::table! {
    revision_attachments (revision_id, attachment_id) {
        revision_id -> BigInt,
        attachment_id -> BigInt,
    }
}

diesel::joinable!(post_attachments -> attachments (attachment_id));
diesel::joinable!(post_attachments -> posts (post_id));
diesel::joinable!(revision_attachments -> attachments (attachment_id));
diesel::joinable!(attachments -> communities (community_id));

diesel::table! {
    site_roles (user_id, role) {
        user_id -> BigInt,
        role -> Text,
        granted_by -> Nullable<BigInt>,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    km_plans (id) {
        id -> BigInt,
        fiscal_year -> Integer,
        unit -> Text,
        title -> Text,
        strengths -> Text,
        weaknesses -> Text,
        opportunities -> Text,
        threats -> Text,
        lessons -> Text,
        status -> Text,
        owner_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    km_scopes (id) {
        id -> BigInt,
        plan_id -> BigInt,
        title -> Text,
        reason -> Text,
        criteria -> Text,
        desired_state -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    km_areas (id) {
        id -> BigInt,
        scope_id -> BigInt,
        title -> Text,
        tags -> Text,
        community_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    km_activities (id) {
        id -> BigInt,
        scope_id -> BigInt,
        title -> Text,
        step -> Text,
        owner_id -> Nullable<BigInt>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        status -> Text,
        link -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    km_indicators (id) {
        id -> BigInt,
        scope_id -> BigInt,
        title -> Text,
        source -> Text,
        area_id -> Nullable<BigInt>,
        target -> Double,
        unit -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    km_indicator_entries (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        value -> Double,
        note -> Text,
        evidence_url -> Nullable<Text>,
        entered_by -> Nullable<BigInt>,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    km_evidence (id) {
        id -> BigInt,
        plan_id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        url -> Text,
        note -> Text,
        added_by -> Nullable<BigInt>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    km_comments (id) {
        id -> BigInt,
        plan_id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        body -> Text,
        author_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    km_plan_events (id) {
        id -> BigInt,
        plan_id -> BigInt,
        from_status -> Text,
        to_status -> Text,
        actor_id -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::table! {
    km_rounds (id) {
        id -> BigInt,
        plan_id -> BigInt,
        label -> Text,
        snapshot -> Text,
        taken_by -> Nullable<BigInt>,
        taken_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    avatars,
    attachments,
    post_attachments,
    revision_attachments,
    users,
    invitations,
    external_identities,
    communities,
    memberships,
    boards,
    threads,
    posts,
    post_revisions,
    flags,
    suspensions,
    audit_log,
    throttles,
    sessions,
    account_tokens,
    trusted_logins,
    knowledge_items,
    knowledge_revisions,
    knowledge_citations,
    knowledge_contributors,
    knowledge_tags,
    knowledge_suggestions,
    knowledge_feedback,
    subscriptions,
    outbox,
    notifications,
    search_documents,
    similar_answers,
    search_log,
    search_words,
    search_meta,
    search_rebuilds,
    search_vocabulary,
    knowledge_applied,
    knowledge_reads,
    knowledge_reviews,
    user_mutes,
    thread_tags,
    watches,
    user_topics,
    answer_invitations,
    site_roles,
    km_plans,
    km_scopes,
    km_areas,
    km_activities,
    km_indicators,
    km_indicator_entries,
    km_evidence,
    km_comments,
    km_plan_events,
    km_rounds,
);
