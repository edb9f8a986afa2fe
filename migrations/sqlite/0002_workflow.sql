-- The service: API tokens, matching runs and their proposals, persistent
-- bans, and the audit trail. Kept in step with migrations/postgres/0002_workflow.sql.
-- Timestamps are RFC 3339 text in UTC on both backends.

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('secretariat', 'city', 'observer')),
    city_id     INTEGER REFERENCES cities (id),
    label       TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,        -- SHA-256 of the token, hex; the token itself is never stored
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    CHECK ((role = 'city') = (city_id IS NOT NULL))
);

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    created_at   TEXT NOT NULL,
    created_by   INTEGER REFERENCES tokens (id),
    mode         TEXT NOT NULL,
    params       TEXT NOT NULL,              -- the run's parameters, JSON
    summary      TEXT NOT NULL,              -- coverage, unmatched with reasons, diff: JSON
    published_at TEXT                        -- proposals are answerable once published
);

CREATE TABLE proposals (
    id                 INTEGER PRIMARY KEY,
    run_id             INTEGER NOT NULL REFERENCES runs (id),
    mentor_id          INTEGER NOT NULL REFERENCES cities (id),
    applicant_id       INTEGER NOT NULL REFERENCES cities (id),
    score              INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10000),
    explanation        TEXT NOT NULL,        -- JSON, components sum to score
    locked             BOOLEAN NOT NULL DEFAULT FALSE,
    status             TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined', 'active', 'completed', 'cancelled')),
    mentor_accepted    BOOLEAN NOT NULL DEFAULT FALSE,
    applicant_accepted BOOLEAN NOT NULL DEFAULT FALSE,
    reason             TEXT,                 -- why it was declined or cancelled
    rating             INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    report             TEXT,
    version            INTEGER NOT NULL DEFAULT 1,   -- optimistic concurrency
    updated_at         TEXT NOT NULL,
    CHECK (mentor_id <> applicant_id),
    UNIQUE (run_id, mentor_id, applicant_id)
);
CREATE INDEX proposals_mentor ON proposals (mentor_id);
CREATE INDEX proposals_applicant ON proposals (applicant_id);

-- Pairs excluded from later runs (a declined proposal, a conflict).
CREATE TABLE bans (
    id           INTEGER PRIMARY KEY,
    mentor_id    INTEGER NOT NULL REFERENCES cities (id),
    applicant_id INTEGER NOT NULL REFERENCES cities (id),
    reason       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    proposal_id  INTEGER REFERENCES proposals (id),
    UNIQUE (mentor_id, applicant_id)
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    token_id   INTEGER REFERENCES tokens (id),
    role       TEXT NOT NULL,
    actor_city INTEGER,
    kind       TEXT NOT NULL,                -- what changed: offer, request, run, proposal, ban, token, ...
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,                -- create, update, retire, accept, decline, ...
    city_id    INTEGER,                      -- the city the change concerns (for filtering)
    before     TEXT,                         -- JSON
    after      TEXT,                         -- JSON
    reason     TEXT
);
CREATE INDEX audit_city ON audit_log (city_id);
