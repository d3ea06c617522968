-- Plans of plans (KH 14, III.9): a body's own plan, imported, implements its parent plan; its
-- tasks are linked to the parent's tasks they carry out.
CREATE TABLE task_links (
    task_id         BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    parent_task_id  BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    linked_by       BIGINT REFERENCES users (id),
    linked_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (task_id, parent_task_id),
    CHECK (task_id <> parent_task_id)
);
CREATE INDEX ix_task_links_parent ON task_links (parent_task_id);

-- How a body's plan reached the Sở Tư pháp when the coordinator registered it on the body's
-- behalf: 'paper' or 'eoffice' (văn phòng điện tử). NULL: the body recorded it itself.
ALTER TABLE cascade_plans ADD COLUMN received_via TEXT CHECK (received_via IN ('paper', 'eoffice'));

-- A reminder may concern a plan rather than a round: the bodies that have not issued their own
-- plan. round_id becomes optional; plan_id and remind_on (the Vietnam-time day of a plan
-- reminder: one per body, person and channel a day) are added.
ALTER TABLE notifications ALTER COLUMN round_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN plan_id BIGINT REFERENCES plans (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD COLUMN remind_on DATE;
ALTER TABLE notifications ADD CONSTRAINT notifications_round_or_plan
    CHECK (round_id IS NOT NULL OR (plan_id IS NOT NULL AND remind_on IS NOT NULL));
CREATE UNIQUE INDEX ux_notifications_plan ON notifications (plan_id, agency_id, remind_on, user_id, channel)
    WHERE plan_id IS NOT NULL;
