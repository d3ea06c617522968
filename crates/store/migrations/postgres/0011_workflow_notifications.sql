-- Notices of the workflow (a report approved, returned, accepted; one awaiting approval; a digest
-- of reports received; an escalation raised or answered) share the reminders' table, inbox and
-- e-mail queue. `event_key` names the event a notice tells of (one notice per event, person and
-- channel); `link` is the page it points to, made absolute with the public URL in e-mails.
-- A digest (about many bodies) names no body.
ALTER TABLE notifications ALTER COLUMN agency_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN event_key TEXT;
ALTER TABLE notifications ADD COLUMN link TEXT;
-- The reminders' unique key was declared inline; its generated name is cut at 63 characters.
DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO c FROM pg_constraint
    WHERE conrelid = 'notifications'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE notifications DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE notifications DROP CONSTRAINT notifications_round_or_plan;
ALTER TABLE notifications ADD CONSTRAINT notifications_round_plan_or_event
    CHECK (round_id IS NOT NULL OR (plan_id IS NOT NULL AND remind_on IS NOT NULL) OR event_key IS NOT NULL);
DROP INDEX ux_notifications_plan;
CREATE UNIQUE INDEX ux_notifications_reminder ON notifications (round_id, agency_id, offset_days, user_id, channel)
    WHERE event_key IS NULL AND round_id IS NOT NULL;
CREATE UNIQUE INDEX ux_notifications_plan ON notifications (plan_id, agency_id, remind_on, user_id, channel)
    WHERE plan_id IS NOT NULL AND event_key IS NULL;
CREATE UNIQUE INDEX ux_notifications_event ON notifications (event_key, user_id, channel)
    WHERE event_key IS NOT NULL;
