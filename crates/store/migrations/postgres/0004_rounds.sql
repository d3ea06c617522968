-- Reporting rounds: regimes, rounds and their obligations, indicators, reports with their values,
-- history, snapshots and evidence, group members, reminders. Kept in step with
-- ../sqlite/0004_rounds.sql.

-- Chế độ báo cáo (Nghị định 09/2019): frequency, cut-off windows, a deadline per level in
-- working days after the cut-off, when reminders go out (calendar days from the deadline).
CREATE TABLE regimes (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('periodic', 'thematic', 'ad_hoc')),
    frequency         TEXT CHECK (frequency IN ('monthly', 'quarterly', 'six-monthly', 'nine-month', 'annual')),
    windows           TEXT NOT NULL CHECK (windows IN ('decree09', 'calendar')),
    agency_days       INTEGER NOT NULL CHECK (agency_days >= 1),
    coordinator_days  INTEGER CHECK (coordinator_days >= 1),
    committee_days    INTEGER CHECK (committee_days >= 1),
    reminder_offsets  TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);

-- Đợt báo cáo: one period of one plan. The period is stored as start + length in months; ad hoc
-- and thematic rounds have none and carry their own window.
CREATE TABLE rounds (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id               BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    regime_id             BIGINT REFERENCES regimes (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('periodic', 'thematic', 'ad_hoc')),
    title                 TEXT NOT NULL,
    label                 TEXT NOT NULL,
    period_start          DATE,
    period_months         INTEGER,
    window_start          DATE NOT NULL,
    window_end            DATE NOT NULL,
    agency_deadline       DATE NOT NULL,
    coordinator_deadline  DATE,
    committee_deadline    DATE,
    reminder_offsets      TEXT NOT NULL,
    opened_by             BIGINT REFERENCES users (id),
    opened_at             TIMESTAMPTZ NOT NULL,
    CHECK (window_start <= window_end AND window_end < agency_deadline),
    UNIQUE (plan_id, label)
);

-- Who reports what in a round, derived when it opens.
CREATE TABLE round_obligations (
    round_id    BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id   BIGINT NOT NULL REFERENCES agencies (id),
    task_id     BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('lead', 'coordinating')),
    due         DATE NOT NULL,
    via_group   BIGINT REFERENCES agencies (id),
    PRIMARY KEY (round_id, agency_id, task_id)
);
CREATE INDEX ix_round_obligations_agency ON round_obligations (agency_id, round_id);

-- The bodies a round expects, with their number of tasks: written with the obligations, read by
-- every completeness view (one row per body instead of one per task).
CREATE TABLE round_bodies (
    round_id    BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id   BIGINT NOT NULL REFERENCES agencies (id),
    tasks       BIGINT NOT NULL,
    PRIMARY KEY (round_id, agency_id)
);

-- Members a group expands to when a round is derived, where the coordinator names them; a group
-- without named members expands to the agencies of its kind.
CREATE TABLE group_members (
    group_id   BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    agency_id  BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, agency_id)
);

-- What a task serves: ICCPR articles and the Human Rights Committee's recommendation paragraphs
-- ("ICCPR Điều 14", "CCPR/C/VNM/CO/4 đoạn 21"), so the report can be grouped by them.
CREATE TABLE task_tags (
    task_id  BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL CHECK (tag <> ''),
    PRIMARY KEY (task_id, tag)
);

-- Chỉ tiêu, defined by the coordinator. `dimensions` lists breakdown codes, comma-separated.
CREATE TABLE indicators (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name         TEXT NOT NULL,
    unit         TEXT NOT NULL,
    aggregation  TEXT NOT NULL CHECK (aggregation IN ('sum', 'average', 'last')),
    dimensions   TEXT NOT NULL,
    required     BOOLEAN NOT NULL,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    -- Shown, as aggregates, on the public progress page.
    public       BOOLEAN NOT NULL DEFAULT FALSE,
    position     INTEGER NOT NULL
);

-- The indicators a round asks for, fixed when it opens.
CREATE TABLE round_indicators (
    round_id      BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    indicator_id  BIGINT NOT NULL REFERENCES indicators (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (round_id, indicator_id)
);

-- Báo cáo của đơn vị. `version` grows with every change (the edit check); `approved_version` is
-- the version the head approved. Timeliness is computed from `first_submitted_at`.
CREATE TABLE reports (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id            BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id           BIGINT NOT NULL REFERENCES agencies (id),
    status              TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'submitted', 'returned', 'accepted')),
    version             INTEGER NOT NULL,
    difficulties        TEXT NOT NULL DEFAULT '',
    proposals           TEXT NOT NULL DEFAULT '',
    approved_version    INTEGER,
    first_submitted_at  TIMESTAMPTZ,
    submitted_at        TIMESTAMPTZ,
    accepted_at         TIMESTAMPTZ,
    updated_by          BIGINT REFERENCES users (id),
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (round_id, agency_id)
);

-- Per task: status, reason (for "không thực hiện"), results in prose.
CREATE TABLE report_tasks (
    report_id  BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    task_id    BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    status     TEXT CHECK (status IN ('not_started', 'in_progress', 'done', 'done_late', 'not_done')),
    reason     TEXT NOT NULL DEFAULT '',
    results    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, task_id)
);

-- Số liệu in long form: the total has dimension and category ''.
CREATE TABLE data_values (
    report_id     BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    indicator_id  BIGINT NOT NULL REFERENCES indicators (id),
    dimension     TEXT NOT NULL,
    category      TEXT NOT NULL,
    value         BIGINT NOT NULL CHECK (value >= 0),
    round_id      BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id     BIGINT NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (report_id, indicator_id, dimension, category)
);
CREATE INDEX ix_data_values_round ON data_values (round_id, indicator_id);
CREATE INDEX ix_data_values_agency ON data_values (agency_id, indicator_id);

-- Every change of a value; append-only.
CREATE TABLE value_history (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id     BIGINT NOT NULL,
    indicator_id  BIGINT NOT NULL,
    dimension     TEXT NOT NULL,
    category      TEXT NOT NULL,
    old_value     BIGINT,
    new_value     BIGINT,
    user_id       BIGINT,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_value_history_report ON value_history (report_id);

-- The workflow's steps with their comments and reasons; append-only.
CREATE TABLE report_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    BIGINT NOT NULL,
    action       TEXT NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    version      INTEGER NOT NULL,
    user_id      BIGINT,
    comment      TEXT NOT NULL DEFAULT '',
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_report_events_report ON report_events (report_id);

-- What was submitted, as submitted; append-only.
CREATE TABLE report_snapshots (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  BIGINT NOT NULL,
    version    INTEGER NOT NULL,
    content    TEXT NOT NULL,
    user_id    BIGINT,
    at         TIMESTAMPTZ NOT NULL,
    UNIQUE (report_id, version)
);

-- Evidence attached to a report, optionally to one task.
CREATE TABLE report_files (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    task_id     BIGINT REFERENCES tasks (id),
    file_name   TEXT NOT NULL,
    file_type   TEXT NOT NULL,
    file_bytes  BYTEA NOT NULL,
    user_id     BIGINT REFERENCES users (id),
    at          TIMESTAMPTZ NOT NULL
);

-- Reminders, in the app and by e-mail. One row per (round, body, offset, person, channel): the
-- unique key is what keeps a message from going out twice, across restarts.
CREATE TABLE notifications (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id     BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id    BIGINT NOT NULL REFERENCES agencies (id),
    offset_days  INTEGER NOT NULL,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    channel      TEXT NOT NULL CHECK (channel IN ('app', 'email')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    read_at      TIMESTAMPTZ,
    UNIQUE (round_id, agency_id, offset_days, user_id, channel)
);
CREATE INDEX ix_notifications_user ON notifications (user_id, read_at);

ALTER TABLE users ADD COLUMN email TEXT;

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER value_history_append_only BEFORE UPDATE OR DELETE ON value_history
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER report_events_append_only BEFORE UPDATE OR DELETE ON report_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER report_snapshots_append_only BEFORE UPDATE OR DELETE ON report_snapshots
    FOR EACH ROW EXECUTE FUNCTION append_only();
