-- Sản phẩm: what a task delivers ("Báo cáo"), as the plan writes it (a label line or a table
-- column); NULL when the plan names none.
ALTER TABLE tasks ADD COLUMN product TEXT;
