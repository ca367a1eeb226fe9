-- The indexes go with the table.
DROP TABLE sessions;
