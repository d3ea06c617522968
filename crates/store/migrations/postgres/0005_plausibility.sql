-- Kiểm tra hợp lý: relations between the figures one body reports in one round (attendees at least
-- the sessions; cases resolved at most those received plus those carried over). Data, so a rule can
-- be added or switched off without a release; the starter rules are seeded at first start with the
-- starter indicators. Rules name indicators by their stable codes. A broken rule is a warning, never
-- a refusal.
CREATE TABLE plausibility_rules (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE CHECK (code <> ''),
    -- left (relation) factor × sum(right)
    left_indicator    TEXT NOT NULL CHECK (left_indicator <> ''),
    relation          TEXT NOT NULL CHECK (relation IN ('ge', 'le')),
    factor            BIGINT NOT NULL DEFAULT 1 CHECK (factor >= 1),
    -- Indicator codes, comma-separated, summed.
    right_indicators  TEXT NOT NULL CHECK (right_indicators <> ''),
    -- How the reason names each side: "số lượt người tham dự".
    left_label        TEXT NOT NULL,
    right_label       TEXT NOT NULL,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    position          INTEGER NOT NULL
);
