-- Phiên bản kế hoạch: every publication of a plan (an import or a correction in the review), who
-- and when, with what changed in its task list and the source text it was read from, so a later
-- correction is made beside that text and a round can say the plan changed after it opened.
CREATE TABLE plan_versions (
    id             BIGSERIAL PRIMARY KEY,
    plan_id        BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('import', 'correction')),
    tasks          INTEGER NOT NULL,
    tasks_added    INTEGER NOT NULL,
    tasks_removed  INTEGER NOT NULL,
    tasks_changed  INTEGER NOT NULL,
    -- JSON [[file name, text], …]; '[]' for a plan entered by hand or imported without its text.
    sources        TEXT NOT NULL DEFAULT '[]',
    created_by     BIGINT REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (plan_id, version)
);
