-- A table of rows for the transaction helpers' own tests.
CREATE TABLE widgets (
  id VARCHAR(64) PRIMARY KEY,
  units INTEGER NOT NULL CHECK (units >= 0)
);
