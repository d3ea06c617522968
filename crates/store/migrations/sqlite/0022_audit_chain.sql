-- Tamper evidence: each audit entry carries the SHA-256 (hex) of the entry before it and its own,
-- computed in Rust over a length-prefixed encoding of its fields (`store::audit_chain`). Entries
-- written before this migration keep NULL: the first entry appended after it links to the hash
-- of all of them in id order, so they are covered without rewriting the append-only table.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
