-- Khuyến nghị: the recommendations UN mechanisms made to Viet Nam (the Human Rights Committee's
-- concluding observations, the UPR), as a register the plans' tasks link to, in place of free-text
-- tags. A recommendation is a paragraph or one of its sub-paragraphs ('' when whole).
CREATE TABLE rec_sources (
    id           INTEGER PRIMARY KEY,
    symbol       TEXT NOT NULL UNIQUE CHECK (symbol <> ''),
    title        TEXT NOT NULL DEFAULT '',
    issued_on    TEXT,
    -- 'treaty_body' (committee: its symbol prefix, CCPR), 'upr', or 'other' (committee: its name).
    mechanism    TEXT NOT NULL CHECK (mechanism IN ('treaty_body', 'upr', 'other')),
    committee    TEXT NOT NULL DEFAULT '',
    language     TEXT NOT NULL DEFAULT 'en',
    -- The national plan that accepts the recommendations (2715/QĐ-TTg), as written.
    accepted_by  TEXT NOT NULL DEFAULT '',
    -- Shown on the public page.
    published    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE recommendations (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES rec_sources (id) ON DELETE CASCADE,
    paragraph  INTEGER NOT NULL CHECK (paragraph > 0),
    sub        TEXT NOT NULL DEFAULT '',
    theme      TEXT NOT NULL DEFAULT '',
    concern    TEXT,
    text       TEXT NOT NULL DEFAULT '',
    text_vi    TEXT,
    UNIQUE (source_id, paragraph, sub)
);

-- The Covenant's articles (1–27) a recommendation concerns.
CREATE TABLE recommendation_articles (
    recommendation_id  INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    article            INTEGER NOT NULL CHECK (article BETWEEN 1 AND 27),
    PRIMARY KEY (recommendation_id, article)
);
CREATE INDEX ix_recommendation_articles_article ON recommendation_articles (article);

-- Which recommendations a task carries out, and which articles it serves directly.
CREATE TABLE task_recommendations (
    task_id            INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    recommendation_id  INTEGER NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    linked_by          INTEGER REFERENCES users (id),
    linked_at          TEXT NOT NULL,
    PRIMARY KEY (task_id, recommendation_id)
);
CREATE INDEX ix_task_recommendations_rec ON task_recommendations (recommendation_id);

CREATE TABLE task_articles (
    task_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    article  INTEGER NOT NULL CHECK (article BETWEEN 1 AND 27),
    PRIMARY KEY (task_id, article)
);

-- The latest status of a task, body by body, is read from report_tasks by task.
CREATE INDEX ix_report_tasks_task ON report_tasks (task_id);
