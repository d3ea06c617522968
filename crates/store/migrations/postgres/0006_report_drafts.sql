-- The Sở's report of a round drafted from the data and edited in the browser: one draft per
-- round, its sections, the append-only history of their texts, and which body approves.
-- Kept in step with ../sqlite/0006_report_drafts.sql.

-- Dự thảo báo cáo. `version` grows with every change to a section or to the formal parts;
-- `approved_version` is the version the head approved, so an edit after approval shows as a
-- voided approval (status back to 'draft'). The formal parts are proposed from the plan's header
-- (or the plan's previous draft) and editable.
CREATE TABLE report_drafts (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id          BIGINT NOT NULL UNIQUE REFERENCES rounds (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    version           INTEGER NOT NULL,
    approved_version  INTEGER,
    approved_by       BIGINT REFERENCES users (id),
    approved_at       TIMESTAMPTZ,
    superior          TEXT NOT NULL,
    issuer            TEXT NOT NULL,
    place             TEXT NOT NULL,
    signer            TEXT NOT NULL,
    position          TEXT NOT NULL,
    drafting_unit     TEXT NOT NULL,
    date_blank        BOOLEAN NOT NULL,
    drafted_at        TIMESTAMPTZ NOT NULL,
    created_by        BIGINT REFERENCES users (id),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_by        BIGINT REFERENCES users (id),
    updated_at        TIMESTAMPTZ NOT NULL
);

-- One section as drafted and as edited. `drafted` is the drafted text the section stands on;
-- `fresh` a newer drafted text that a refresh could not apply because the section was edited
-- (shown beside the edit); `edited` is NULL until someone edits. `version` is the section's edit
-- check.
CREATE TABLE report_draft_sections (
    draft_id    BIGINT NOT NULL REFERENCES report_drafts (id) ON DELETE CASCADE,
    key         TEXT NOT NULL CHECK (key <> ''),
    position    INTEGER NOT NULL,
    heading     TEXT NOT NULL,
    level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 2),
    drafted     TEXT NOT NULL,
    fresh       TEXT,
    edited      TEXT,
    edited_by   BIGINT REFERENCES users (id),
    edited_at   TIMESTAMPTZ,
    version     INTEGER NOT NULL,
    PRIMARY KEY (draft_id, key)
);

-- Every text a section has had, with who and when; append-only.
CREATE TABLE report_draft_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    draft_id     BIGINT NOT NULL,
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('drafted', 'edited', 'refreshed', 'taken')),
    text         TEXT NOT NULL,
    user_id      BIGINT,
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_report_draft_versions_section ON report_draft_versions (draft_id, key);

-- Settings of the installation, one value per key: 'report.coordinating_agency' names the body
-- whose head approves report drafts (default: the agency coded 'so-tu-phap').
CREATE TABLE app_settings (
    key         TEXT PRIMARY KEY CHECK (key <> ''),
    value       TEXT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TRIGGER report_draft_versions_append_only BEFORE UPDATE OR DELETE ON report_draft_versions
    FOR EACH ROW EXECUTE FUNCTION append_only();
