-- Named leases: which of several Kiln servers sharing one database does a job that must run once at a
-- time (the pipeline scheduler). A holder renews its lease on every pass; another takes it over once it
-- has expired. Numbered 1.7 (issue 6), after the notifications' 1.6.

CREATE TABLE leases (
    name       VARCHAR(128)                NOT NULL,
    holder     VARCHAR(256)                NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT leases_pk PRIMARY KEY (name)
);
