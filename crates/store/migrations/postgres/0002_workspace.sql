-- The web workspace: accounts, sessions, the audit log, agency aliases (merged duplicates),
-- agencies' own implementation plans and escalations. Kept in step with ../sqlite/0002_workspace.sql.

-- Người dùng. `agency_id` scopes a focal point or an agency head to one agency.
CREATE TABLE users (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    display_name          TEXT NOT NULL,
    password_hash         TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'focal_point', 'agency_head', 'inspector', 'leader')),
    agency_id             BIGINT REFERENCES agencies (id),
    totp_secret           TEXT,
    totp_enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins         INTEGER NOT NULL DEFAULT 0,
    locked_until          TIMESTAMPTZ,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    disabled              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Whether a role must use a second factor (set by the administrator).
CREATE TABLE role_policies (
    role           TEXT PRIMARY KEY,
    totp_required  BOOLEAN NOT NULL DEFAULT FALSE
);

-- Server-side sessions. Only a hash of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    second_factor_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);

-- Nhật ký: append-only. Triggers refuse every UPDATE and DELETE.
CREATE TABLE audit_log (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    user_id   BIGINT,
    username  TEXT,
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT,
    ip        TEXT
);
CREATE INDEX ix_audit_log_action ON audit_log (action);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- A merged duplicate's code keeps pointing at the agency it was merged into, so a later import
-- of a plan that still spells it the old way lands on the right agency.
CREATE TABLE agency_aliases (
    code       TEXT PRIMARY KEY,
    agency_id  BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE
);

-- Kế hoạch triển khai của đơn vị (KH 14, III.8–9): each agency's own implementation plan.
CREATE TABLE cascade_plans (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id       BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    agency_id     BIGINT NOT NULL REFERENCES agencies (id),
    number        TEXT NOT NULL,
    issued_on     DATE NOT NULL,
    title         TEXT NOT NULL,
    file_name     TEXT,
    file_type     TEXT,
    file_bytes    BYTEA,
    recorded_by   BIGINT REFERENCES users (id),
    recorded_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (plan_id, agency_id)
);

-- Vướng mắc: a difficulty an agency raises on a task, answered or forwarded to the UBND.
CREATE TABLE escalations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    agency_id   BIGINT NOT NULL REFERENCES agencies (id),
    subject     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered', 'forwarded', 'closed')),
    created_by  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_escalations_agency ON escalations (agency_id);
CREATE INDEX ix_escalations_task ON escalations (task_id);

CREATE TABLE escalation_messages (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id  BIGINT NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
    author_id      BIGINT REFERENCES users (id),
    kind           TEXT NOT NULL CHECK (kind IN ('raise', 'reply', 'answer', 'forward', 'close')),
    body           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_escalation_messages_escalation ON escalation_messages (escalation_id);
