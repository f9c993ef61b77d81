-- A resource and a commitment table of the shape the kit expects, for the kit's own tests.
CREATE TABLE widgets (
  id VARCHAR(64) PRIMARY KEY,
  units INTEGER NOT NULL CHECK (units >= 0)
);
CREATE TABLE claims (
  id VARCHAR(64) PRIMARY KEY,
  status VARCHAR(16) NOT NULL,
  request_hash CHAR(64),
  widget_id VARCHAR(64) REFERENCES widgets (id),
  units INTEGER,
  expires_at TIMESTAMPTZ(3) NOT NULL,
  updated_at TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
