-- Notices of the workflow (a report approved, returned, accepted; one awaiting approval; a digest
-- of reports received; an escalation raised or answered) share the reminders' table, inbox and
-- e-mail queue. `event_key` names the event a notice tells of (one notice per event, person and
-- channel); `link` is the page it points to, made absolute with the public URL in e-mails.
-- SQLite cannot change a table's constraints, so the table is rebuilt: the reminders' uniqueness
-- becomes an index over reminders only, a notice needs a round, a plan or an event, and a digest
-- (about many bodies) names no body.
CREATE TABLE notifications_new (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER REFERENCES rounds (id) ON DELETE CASCADE,
    agency_id    INTEGER REFERENCES agencies (id),
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
    event_key    TEXT,
    link         TEXT,
    CHECK (round_id IS NOT NULL OR (plan_id IS NOT NULL AND remind_on IS NOT NULL) OR event_key IS NOT NULL)
);
INSERT INTO notifications_new (id, round_id, agency_id, offset_days, user_id, channel, subject, body,
    created_at, sent_at, attempts, last_error, read_at, plan_id, remind_on)
SELECT id, round_id, agency_id, offset_days, user_id, channel, subject, body,
    created_at, sent_at, attempts, last_error, read_at, plan_id, remind_on FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX ix_notifications_user ON notifications (user_id, read_at);
CREATE UNIQUE INDEX ux_notifications_reminder ON notifications (round_id, agency_id, offset_days, user_id, channel)
    WHERE event_key IS NULL AND round_id IS NOT NULL;
CREATE UNIQUE INDEX ux_notifications_plan ON notifications (plan_id, agency_id, remind_on, user_id, channel)
    WHERE plan_id IS NOT NULL AND event_key IS NULL;
CREATE UNIQUE INDEX ux_notifications_event ON notifications (event_key, user_id, channel)
    WHERE event_key IS NOT NULL;
