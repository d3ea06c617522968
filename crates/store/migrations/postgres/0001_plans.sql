-- Plans as read from their documents: documents and their links, plans, sections, tasks with
-- their items and timeframes, agencies, assignments and responsibilities.
-- Kept in step with ../sqlite/0001_plans.sql: same tables, columns, keys and indexes.

-- Văn bản. `number` is the identity when known ("14/KH-UBND"); a body without one (as KH 14's
-- body) is found by `title_key` until its appendix supplies the number.
CREATE TABLE documents (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc_type    TEXT NOT NULL,
    number      TEXT UNIQUE,
    issuer      TEXT,
    place       TEXT,
    issued_on   DATE,
    title       TEXT NOT NULL,
    title_key   TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ix_documents_title_key ON documents (title_key);

-- "KH 14 implements QĐ 2715": the target is named by number and need not be stored.
CREATE TABLE document_links (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('implements', 'appendix_of')),
    to_number   TEXT NOT NULL,
    to_type     TEXT,
    to_date     DATE,
    to_issuer   TEXT,
    PRIMARY KEY (document_id, kind, to_number)
);
CREATE INDEX ix_document_links_to ON document_links (to_number);

-- Kế hoạch: one per plan document. Lists that are only ever read whole are JSON text.
CREATE TABLE plans (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   BIGINT NOT NULL UNIQUE REFERENCES documents (id) ON DELETE CASCADE,
    has_body      BOOLEAN NOT NULL DEFAULT FALSE,
    has_appendix  BOOLEAN NOT NULL DEFAULT FALSE,
    purposes      TEXT NOT NULL DEFAULT '[]',
    requirements  TEXT NOT NULL DEFAULT '[]',
    closing       TEXT,
    recipients    TEXT NOT NULL DEFAULT '[]',
    signer        TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE plan_sections (
    plan_id     BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number      TEXT NOT NULL,
    heading     TEXT NOT NULL,
    start_line  INTEGER NOT NULL,
    end_line    INTEGER NOT NULL,
    PRIMARY KEY (plan_id, number)
);

-- Nhiệm vụ. `ref` ("II.1", "PL.3") is stable across re-imports, so a task keeps its id (and,
-- later, its reports) when its document is imported again.
CREATE TABLE tasks (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    ref         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    time_text   TEXT NOT NULL,
    time_kind   TEXT NOT NULL,
    time_json   TEXT NOT NULL,
    start_line  INTEGER NOT NULL,
    end_line    INTEGER NOT NULL,
    UNIQUE (plan_id, ref)
);

CREATE TABLE task_items (
    task_id     BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    text        TEXT NOT NULL,
    start_line  INTEGER NOT NULL,
    end_line    INTEGER NOT NULL,
    PRIMARY KEY (task_id, position)
);

-- Cơ quan, đơn vị. `code` comes from the name's diacritic-free key, so both tone-mark styles and
-- the usual abbreviations resolve to one agency; `name` keeps the first spelling seen.
CREATE TABLE agencies (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    is_group        BOOLEAN NOT NULL,
    requested_only  BOOLEAN NOT NULL,
    parent_id       BIGINT REFERENCES agencies (id),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every spelling under which an agency has appeared (history keeps old names).
CREATE TABLE agency_names (
    agency_id   BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    PRIMARY KEY (agency_id, name)
);

-- Phân công: task × agency (or group) × role, with the name as this plan wrote it.
CREATE TABLE assignments (
    task_id          BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    agency_id        BIGINT NOT NULL REFERENCES agencies (id),
    role             TEXT NOT NULL CHECK (role IN ('lead', 'coordinating')),
    position         INTEGER NOT NULL,
    name_as_written  TEXT NOT NULL,
    requested_only   BOOLEAN NOT NULL,
    PRIMARY KEY (task_id, agency_id, role)
);
CREATE INDEX ix_assignments_agency ON assignments (agency_id);

-- Trách nhiệm: the blocks of section III.
CREATE TABLE responsibilities (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id         BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    heading         TEXT NOT NULL,
    requested_only  BOOLEAN NOT NULL,
    duties          TEXT NOT NULL,
    start_line      INTEGER NOT NULL,
    end_line        INTEGER NOT NULL,
    UNIQUE (plan_id, number)
);

CREATE TABLE responsibility_agencies (
    responsibility_id  BIGINT NOT NULL REFERENCES responsibilities (id) ON DELETE CASCADE,
    agency_id          BIGINT NOT NULL REFERENCES agencies (id),
    position           INTEGER NOT NULL,
    PRIMARY KEY (responsibility_id, agency_id)
);
CREATE INDEX ix_responsibility_agencies_agency ON responsibility_agencies (agency_id);
