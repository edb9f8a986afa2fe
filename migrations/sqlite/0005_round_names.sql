-- Rounds get a name, can be discarded while drafts, and remember the
-- published round that replaced them.
ALTER TABLE runs ADD COLUMN name TEXT;                   -- NULL: shown as "Round N"
ALTER TABLE runs ADD COLUMN discarded_at TEXT;           -- a draft set aside, never to be published
ALTER TABLE runs ADD COLUMN superseded_by INTEGER REFERENCES runs (id); -- the later published round that replaced this one

-- Rounds published before this migration: each was replaced by the next
-- one published.
UPDATE runs SET superseded_by = (
    SELECT later.id FROM runs later
    WHERE later.published_at IS NOT NULL
      AND (later.published_at > runs.published_at
           OR (later.published_at = runs.published_at AND later.id > runs.id))
    ORDER BY later.published_at, later.id
    LIMIT 1
)
WHERE published_at IS NOT NULL;
