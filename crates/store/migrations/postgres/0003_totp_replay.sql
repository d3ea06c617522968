-- A second-factor code is accepted once (RFC 6238 §5.2): the last accepted time step per account.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
