-- What each publication of a plan held (its header and tasks, JSON; see plans.rs VersionContent),
-- so an earlier version can be read after later corrections. NULL for versions published before.
ALTER TABLE plan_versions ADD COLUMN content TEXT;
