-- A document number is unique per issuer and date, not across the country: every People's
-- Committee numbers its plans "…/KH-UBND", restarting each year, so another province's (or
-- another year's) "14/KH-UBND" is another document. The import tells them apart by issuer and
-- year (plans.rs, `same_document`); this index keeps two rows from claiming the same identity.
-- Kept in step with ../sqlite/0012_document_identity.sql.
ALTER TABLE documents DROP CONSTRAINT documents_number_key;
CREATE UNIQUE INDEX ux_documents_identity ON documents (number, issuer, issued_on);
