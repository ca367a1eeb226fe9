-- The index goes with the table.
DROP TABLE rate_limits;
