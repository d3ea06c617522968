-- A document's title from its Vietnamese translation, and a recommendation's heading in Vietnamese (a translation's heading, or the usual Vietnamese of a
-- treaty body's English heading), and why it needs no task of a plan (the procedural paragraphs
-- on dissemination, follow-up and the next report; or the coordinator's reason): such a
-- recommendation is not counted as uncovered. NULL: it needs a task.
ALTER TABLE recommendations ADD COLUMN theme_vi TEXT;
ALTER TABLE recommendations ADD COLUMN no_task_reason TEXT;
ALTER TABLE rec_sources ADD COLUMN title_vi TEXT;
