-- Plans of plans (KH 14, III.9): a body's own plan, imported, implements its parent plan; its
-- tasks are linked to the parent's tasks they carry out.
CREATE TABLE task_links (
    task_id         INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    parent_task_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    linked_by       INTEGER REFERENCES users (id),
    linked_at       TEXT NOT NULL,
    PRIMARY KEY (task_id, parent_task_id),
    CHECK (task_id <> parent_task_id)
);
CREATE INDEX ix_task_links_parent ON task_links (parent_task_id);

-- How a body's plan reached the Sở Tư pháp when the coordinator registered it on the body's
-- behalf: 'paper' or 'eoffice' (văn phòng điện tử). NULL: the body recorded it itself.
ALTER TABLE cascade_plans ADD COLUMN received_via TEXT CHECK (received_via IN ('paper', 'eoffice'));

-- A reminder may concern a plan rather than a round: the bodies that have not issued their own
-- plan. SQLite cannot drop NOT NULL, so the table is rebuilt with round_id optional, plan_id and
-- remind_on (the Vietnam-time day of a plan reminder: one per body, person and channel a day).
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id    INTEGER NOT NULL REFERENCES agencies (id),
    offset_days  INTEGER NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    channel      TEXT NOT NULL CHECK (channel IN ('app', 'email')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    read_at      TEXT,
    plan_id      INTEGER REFERENCES plans (id) ON DELETE CASCADE,
    remind_on    TEXT,
    UNIQUE (round_id, agency_id, offset_days, user_id, channel),
    CHECK (round_id IS NOT NULL OR (plan_id IS NOT NULL AND remind_on IS NOT NULL))
);
INSERT INTO notifications_new (id, round_id, agency_id, offset_days, user_id, channel, subject, body,
    created_at, sent_at, attempts, last_error, read_at)
SELECT id, round_id, agency_id, offset_days, user_id, channel, subject, body,
    created_at, sent_at, attempts, last_error, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX ix_notifications_user ON notifications (user_id, read_at);
CREATE UNIQUE INDEX ux_notifications_plan ON notifications (plan_id, agency_id, remind_on, user_id, channel)
    WHERE plan_id IS NOT NULL;
