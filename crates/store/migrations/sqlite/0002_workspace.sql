-- The web workspace: accounts, sessions, the audit log, agency aliases (merged duplicates),
-- agencies' own implementation plans and escalations. Kept in step with ../postgres/0002_workspace.sql.

-- Người dùng. `agency_id` scopes a focal point or an agency head to one agency.
CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'focal_point', 'agency_head', 'inspector', 'leader')),
    agency_id             INTEGER REFERENCES agencies (id),
    totp_secret           TEXT,
    totp_enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    disabled              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Whether a role must use a second factor (set by the administrator).
CREATE TABLE role_policies (
    role           TEXT PRIMARY KEY,
    totp_required  BOOLEAN NOT NULL DEFAULT FALSE
);

-- Server-side sessions. Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- Nhật ký: append-only. Triggers refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   INTEGER,
    username  TEXT,
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT,
    ip        TEXT
);
CREATE INDEX ix_audit_log_action ON audit_log (action);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- A merged duplicate's code keeps pointing at the agency it was merged into, so a later import
-- of a plan that still spells it the old way lands on the right agency.
CREATE TABLE agency_aliases (
    code       TEXT PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id) ON DELETE CASCADE
);

-- Kế hoạch triển khai của đơn vị (KH 14, III.8–9): each agency's own implementation plan.
CREATE TABLE cascade_plans (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    agency_id     INTEGER NOT NULL REFERENCES agencies (id),
    number        TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    title         TEXT NOT NULL,
    file_name     TEXT,
    file_type     TEXT,
    file_bytes    BLOB,
    recorded_by   INTEGER REFERENCES users (id),
    recorded_at   TEXT NOT NULL,
    UNIQUE (plan_id, agency_id)
);

-- Vướng mắc: a difficulty an agency raises on a task, answered or forwarded to the UBND.
CREATE TABLE escalations (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    subject     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered', 'forwarded', 'closed')),
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX ix_escalations_agency ON escalations (agency_id);
CREATE INDEX ix_escalations_task ON escalations (task_id);

CREATE TABLE escalation_messages (
    id             INTEGER PRIMARY KEY,
    escalation_id  INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    author_id      INTEGER REFERENCES users (id),
    kind           TEXT NOT NULL CHECK (kind IN ('raise', 'reply', 'answer', 'forward', 'close')),
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX ix_escalation_messages_escalation ON escalation_messages (escalation_id);
