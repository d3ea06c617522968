-- Mã khôi phục: ten one-time codes issued with the second factor, each standing in for one
-- authenticator code when the phone is lost. Kept in step with ../sqlite/0010_recovery_codes.sql.
--
-- Only the SHA-256 of a code is stored, not the code and not an Argon2id hash: a code is 16
-- characters drawn at random from 31 (about 79 bits), so there is no dictionary to try and no
-- guessing at any hash speed, and every code differs, so a salt adds nothing; a fast hash lets a
-- sign-in find its code with one indexed lookup instead of ten Argon2id checks. (Whoever holds a
-- copy of the database holds the accounts' TOTP secrets anyway.) `used_at` makes each code good
-- once.
CREATE TABLE recovery_codes (
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL CHECK (length(code_hash) = 64),
    created_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

-- Keys the server signs with (the sign-in form's anti-forgery token is an HMAC of a per-visit
-- nonce under the key named 'sign_in_csrf'): made at first use, shared by every server process of
-- the installation and kept across restarts. Never shown or logged.
CREATE TABLE server_keys (
    name        TEXT PRIMARY KEY CHECK (name <> ''),
    key         TEXT NOT NULL CHECK (length(key) >= 64),
    created_at  TIMESTAMPTZ NOT NULL
);
