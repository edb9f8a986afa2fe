-- The network: countries, topics, cities, ties, clusters, evidence, offers, requests.
-- Kept in step with migrations/postgres/0001_network.sql (same tables, same checks).

CREATE TABLE countries (
    code        TEXT PRIMARY KEY CHECK (length(code) = 2 AND code = upper(code)),
    name        TEXT NOT NULL,
    region      TEXT NOT NULL CHECK (region IN ('Africa', 'Arab States', 'Asia and the Pacific',
                    'Europe and North America', 'Latin America and the Caribbean')),
    is_african  BOOLEAN NOT NULL,
    is_ldc      BOOLEAN NOT NULL,
    languages   TEXT NOT NULL,           -- ';'-separated ISO 639-1 codes, may be empty
    source      TEXT NOT NULL
);

CREATE TABLE topics (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('cluster', 'area_of_action')),
    stage       INTEGER CHECK (stage BETWEEN 1 AND 6),   -- order of an area of action
    retired     BOOLEAN NOT NULL DEFAULT FALSE,
    aliases     TEXT NOT NULL DEFAULT '',                  -- ';'-separated earlier names
    CHECK ((kind = 'area_of_action') = (stage IS NOT NULL))
);

CREATE TABLE cities (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,          -- normalised name (domain::names::name_key)
    country_code TEXT NOT NULL REFERENCES countries (code),
    status       TEXT NOT NULL CHECK (status IN ('member', 'applicant', 'partner')),
    year_joined  INTEGER CHECK (year_joined IS NULL OR status = 'member'),
    languages    TEXT NOT NULL,          -- working languages; the country's unless stated
    population   INTEGER CHECK (population IS NULL OR population > 0),
    source       TEXT NOT NULL,
    UNIQUE (country_code, name_key)
);

-- Other spellings of a city's name within a country (Fes -> Fez).
CREATE TABLE city_aliases (
    country_code TEXT NOT NULL REFERENCES countries (code),
    alias_key    TEXT NOT NULL,
    city_id      INTEGER NOT NULL REFERENCES cities (id) ON DELETE CASCADE,
    PRIMARY KEY (country_code, alias_key)
);

-- One row per unordered pair: ends stored in id order.
CREATE TABLE twin_links (
    id          INTEGER PRIMARY KEY,
    city_a      INTEGER NOT NULL REFERENCES cities (id),
    city_b      INTEGER NOT NULL REFERENCES cities (id),
    kind        TEXT NOT NULL CHECK (kind IN ('twinning', 'sister_city', 'friendship', 'cooperation_agreement')),
    year_signed INTEGER,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    source      TEXT NOT NULL,
    CHECK (city_a < city_b),
    UNIQUE (city_a, city_b)
);
CREATE INDEX twin_links_city_b ON twin_links (city_b);

CREATE TABLE cluster_memberships (
    id           INTEGER PRIMARY KEY,
    city_id      INTEGER NOT NULL REFERENCES cities (id),
    topic_id     INTEGER NOT NULL REFERENCES topics (id),
    role         TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL CHECK (period_end >= period_start),
    source       TEXT NOT NULL,
    UNIQUE (city_id, topic_id, period_start)
);

CREATE TABLE evidence (
    id        INTEGER PRIMARY KEY,
    city_id   INTEGER NOT NULL REFERENCES cities (id),
    topic_id  INTEGER REFERENCES topics (id),   -- NULL: speaks for the city in general
    kind      TEXT NOT NULL CHECK (kind IN ('learning_city_award', 'cluster_coordinator', 'cluster_member',
                  'network_years', 'self_assessment', 'mentorship_outcome')),
    year      INTEGER,                          -- award year, period start, member since
    level     INTEGER CHECK (level IS NULL OR level BETWEEN 0 AND 5),  -- self-assessment, outcome rating
    source    TEXT NOT NULL
);
CREATE INDEX evidence_city ON evidence (city_id);

CREATE TABLE offers (
    id              INTEGER PRIMARY KEY,
    city_id         INTEGER NOT NULL UNIQUE REFERENCES cities (id),
    capacity        INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    languages       TEXT NOT NULL,
    modalities      TEXT NOT NULL,
    available_from  TEXT,                       -- ISO date
    available_until TEXT,
    note            TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL
);

CREATE TABLE offer_topics (
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (offer_id, topic_id)
);

CREATE TABLE requests (
    id          INTEGER PRIMARY KEY,
    city_id     INTEGER NOT NULL UNIQUE REFERENCES cities (id),
    max_mentors INTEGER NOT NULL DEFAULT 1 CHECK (max_mentors BETWEEN 1 AND 5),
    languages   TEXT NOT NULL,
    modalities  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL
);

CREATE TABLE request_topics (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    topic_id   INTEGER NOT NULL REFERENCES topics (id),
    priority   INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    PRIMARY KEY (request_id, topic_id)
);

-- Topics are data: the clusters of 2021-2023, the retired ones of 2019-2021,
-- and the six areas of action of the Guidelines for Building Learning Cities.
INSERT INTO topics (slug, name, kind, stage, retired, aliases) VALUES
    ('gced', 'Global Citizenship Education', 'cluster', NULL, FALSE, 'GCED'),
    ('esd', 'Education for Sustainable Development', 'cluster', NULL, FALSE, 'ESD'),
    ('health', 'Health and Well-being', 'cluster', NULL, FALSE, 'Health and Wellbeing'),
    ('planning', 'Planning', 'cluster', NULL, FALSE, 'Educational Planning, Monitoring and Evaluation;Educational Planning'),
    ('inclusion', 'Inclusion', 'cluster', NULL, FALSE, 'Inclusion and Equity;Equity and Inclusion'),
    ('literacy', 'Literacy', 'cluster', NULL, TRUE, ''),
    ('entrepreneurship', 'Entrepreneurship', 'cluster', NULL, TRUE, ''),
    ('plan', 'Plan', 'area_of_action', 1, FALSE, 'Planning a learning city'),
    ('involve', 'Involve', 'area_of_action', 2, FALSE, 'Coordinating structure'),
    ('celebrate', 'Celebrate', 'area_of_action', 3, FALSE, 'Learning festivals'),
    ('make-accessible', 'Make accessible', 'area_of_action', 4, FALSE, 'Make learning accessible'),
    ('monitor-evaluate', 'Monitor and evaluate', 'area_of_action', 5, FALSE, 'Monitoring and evaluation'),
    ('fund', 'Fund', 'area_of_action', 6, FALSE, 'Funding');
