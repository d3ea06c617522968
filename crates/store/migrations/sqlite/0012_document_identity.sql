-- no-transaction
-- A document number is unique per issuer and date, not across the country: every People's
-- Committee numbers its plans "…/KH-UBND", restarting each year, so another province's (or
-- another year's) "14/KH-UBND" is another document. The import tells them apart by issuer and
-- year (plans.rs, `same_document`); this index keeps two rows from claiming the same identity.
-- Kept in step with ../postgres/0012_document_identity.sql.
--
-- SQLite cannot drop a column's UNIQUE, so the table is rebuilt. plans and document_links refer
-- to it ON DELETE CASCADE: dropping the old table with foreign keys on would delete their rows,
-- so foreign keys are off for the rebuild (SQLite allows that only outside a transaction, hence
-- the explicit one here) and back on after.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE documents_new (
    id          INTEGER PRIMARY KEY,
    doc_type    TEXT NOT NULL,
    number      TEXT,
    issuer      TEXT,
    place       TEXT,
    issued_on   TEXT,
    title       TEXT NOT NULL,
    title_key   TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO documents_new (id, doc_type, number, issuer, place, issued_on, title, title_key,
    created_at, updated_at)
SELECT id, doc_type, number, issuer, place, issued_on, title, title_key, created_at, updated_at
FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE INDEX ix_documents_title_key ON documents (title_key);
CREATE UNIQUE INDEX ux_documents_identity ON documents (number, issuer, issued_on);
COMMIT;
PRAGMA foreign_keys = ON;
