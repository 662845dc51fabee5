-- The organisation's KM plan (แผนการจัดการความรู้).

-- Site-wide roles beside admin: 'km_officer' (writes KM plans) and
-- 'km_reviewer' (the KM committee: comments on, returns and approves them).
CREATE TABLE site_roles (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    granted_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- One plan per fiscal year (Buddhist era) and unit; `owner_id` is the KM
-- officer whose reading rights decide what evidence counts.
CREATE TABLE km_plans (
    id BIGSERIAL PRIMARY KEY,
    fiscal_year INTEGER NOT NULL,
    unit TEXT NOT NULL,
    title TEXT NOT NULL,
    strengths TEXT NOT NULL DEFAULT '',
    weaknesses TEXT NOT NULL DEFAULT '',
    opportunities TEXT NOT NULL DEFAULT '',
    threats TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX km_plans_one_per_unit_and_year ON km_plans (fiscal_year, unit);

-- A KM scope: why it was chosen (criteria, one key per line, and words),
-- and the desired state.
CREATE TABLE km_scopes (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES km_plans (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    reason TEXT NOT NULL,
    criteria TEXT NOT NULL DEFAULT '',
    desired_state TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX km_scopes_by_plan ON km_scopes (plan_id);

-- Knowledge the scope needs, found in Sala by its tags (one per line) and,
-- when given, only in one community.
CREATE TABLE km_areas (
    id BIGSERIAL PRIMARY KEY,
    scope_id BIGINT NOT NULL REFERENCES km_scopes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    tags TEXT NOT NULL,
    community_id BIGINT REFERENCES communities (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX km_areas_by_scope ON km_areas (scope_id);

-- An activity on one of the seven steps or six change elements; `link` is
-- a Sala object it works through ('community:slug', 'board:id', 'tag:word',
-- 'knowledge:id', 'thread:id').
CREATE TABLE km_activities (
    id BIGSERIAL PRIMARY KEY,
    scope_id BIGINT NOT NULL REFERENCES km_scopes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    step TEXT NOT NULL,
    owner_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    starts_on DATE,
    ends_on DATE,
    status TEXT NOT NULL,
    link TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX km_activities_by_scope ON km_activities (scope_id);

-- An indicator of a scope's desired state: `source` names the evidence it
-- is computed from, or 'manual' (then its entries are the figures).
CREATE TABLE km_indicators (
    id BIGSERIAL PRIMARY KEY,
    scope_id BIGINT NOT NULL REFERENCES km_scopes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    area_id BIGINT REFERENCES km_areas (id) ON DELETE SET NULL,
    target DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX km_indicators_by_scope ON km_indicators (scope_id);

-- A manual indicator's figures, newest last; never edited.
CREATE TABLE km_indicator_entries (
    id BIGSERIAL PRIMARY KEY,
    indicator_id BIGINT NOT NULL REFERENCES km_indicators (id) ON DELETE CASCADE,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    evidence_url TEXT,
    entered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX km_indicator_entries_by_indicator ON km_indicator_entries (indicator_id);

-- Evidence (links to files, pages, photos) on an activity or indicator.
CREATE TABLE km_evidence (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES km_plans (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    url TEXT NOT NULL,
    note TEXT NOT NULL,
    added_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    added_at TIMESTAMP NOT NULL
);
CREATE INDEX km_evidence_by_plan ON km_evidence (plan_id);

-- Reviewers' comments on the plan or one of its parts, each answered once
-- by the plan's writers.
CREATE TABLE km_comments (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES km_plans (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    answered_at TIMESTAMP
);
CREATE INDEX km_comments_by_plan ON km_comments (plan_id);

-- Every move of a plan through review: who, when, from and to.
CREATE TABLE km_plan_events (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES km_plans (id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at TIMESTAMP NOT NULL
);

-- A reporting round: every indicator's figures and every area's status as
-- they stood, frozen as JSON.
CREATE TABLE km_rounds (
    id BIGSERIAL PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES km_plans (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    taken_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    taken_at TIMESTAMP NOT NULL
);
CREATE INDEX km_rounds_by_plan ON km_rounds (plan_id);
