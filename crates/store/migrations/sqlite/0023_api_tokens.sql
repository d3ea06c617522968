-- Personal API tokens: an account's own keys to the JSON API under /api/v1 (Authorization:
-- Bearer). Kept in step with ../postgres/0023_api_tokens.sql.
--
-- Only the SHA-256 of a token is stored, as for sessions: a token is 32 random bytes, so a fast
-- hash is enough and a copy of the database holds no usable token. Every token expires
-- (`expires_at` is required); a revoked one keeps its row, so the account's list and the audit
-- log still name it. `scope` 'read' only reads; 'write' may also change the account's own
-- reports where its role allows.
CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
    scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);
