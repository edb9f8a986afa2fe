-- Web sessions: signing in with an API token opens a session; the browser
-- keeps only a random session secret in an HttpOnly cookie, the database
-- keeps its SHA-256. Revoking the token ends its sessions (the lookup joins
-- live tokens). Kept in step with migrations/postgres/0003_sessions.sql.

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    session_hash  TEXT NOT NULL UNIQUE,
    token_id      INTEGER NOT NULL REFERENCES tokens (id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_token ON sessions (token_id);
