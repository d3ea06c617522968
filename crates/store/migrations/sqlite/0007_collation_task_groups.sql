-- Vietnamese order: each agency's text::collate key, compared byte for byte. Filled for existing rows at startup (Db::migrate)
-- and written on every insert and rename.
ALTER TABLE agencies ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
CREATE INDEX agencies_kind_sort ON agencies (kind, sort_key);

-- A vague group ("các cơ quan liên quan") named per task: who it means for this task. Until the
-- coordinator names them, such a group expands to nobody for the task.
CREATE TABLE task_group_members (
    task_id    INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    group_id   INTEGER NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, group_id, agency_id)
);
CREATE INDEX task_group_members_agency ON task_group_members (agency_id);

-- The coordinating body (Sở Tư pháp) reports on the tasks it leads or coordinates like any body,
-- but is not counted against itself in completeness and timeliness. Decided when a round opens;
-- rounds opened before take the default coordinating body, coded by its folded name.
ALTER TABLE round_bodies ADD COLUMN counted BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE round_bodies SET counted = FALSE WHERE agency_id IN (SELECT id FROM agencies WHERE code = 'so-tu-phap');
