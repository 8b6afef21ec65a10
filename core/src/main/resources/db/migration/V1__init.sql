-- Kiln's store, version 1. Plain SQL that H2 2.x (any mode) and PostgreSQL 12+ both run unchanged:
-- no vendor types, JSON kept as text, timestamps with time zone to the microsecond.

-- Image Builder resources, one row per ARN. The columns are what lists filter and sort on; body is
-- the JSON the Get operation answers. Versions are three integers so that 1.10.0 sorts after 1.9.0.
CREATE TABLE resources (
    arn           VARCHAR(2048)               NOT NULL,
    account_id    VARCHAR(32)                 NOT NULL,
    region        VARCHAR(64)                 NOT NULL,
    type          VARCHAR(64)                 NOT NULL,
    name          VARCHAR(256)                NOT NULL,
    version_major INTEGER,
    version_minor INTEGER,
    version_patch INTEGER,
    build         INTEGER,
    -- The ARN up to and including the version (the ARN itself for a version without build), null for
    -- unversioned resources: what insertNextBuild counts builds under.
    version_arn   VARCHAR(2048),
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    body          VARCHAR                     NOT NULL,
    CONSTRAINT resources_pk PRIMARY KEY (arn)
);
CREATE INDEX resources_by_list ON resources
    (region, account_id, type, name, version_major, version_minor, version_patch, build);
CREATE INDEX resources_by_version_arn ON resources (version_arn, build);

-- Answers to calls made with a clientToken (reference 1.3): the first answer is replayed to retries.
CREATE TABLE idempotency (
    account_id    VARCHAR(32)                 NOT NULL,
    region        VARCHAR(64)                 NOT NULL,
    operation     VARCHAR(128)                NOT NULL,
    client_token  VARCHAR(128)                NOT NULL,
    request_hash  VARCHAR(256)                NOT NULL,
    response_json VARCHAR                     NOT NULL,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT idempotency_pk PRIMARY KEY (account_id, region, operation, client_token)
);
CREATE INDEX idempotency_by_created_at ON idempotency (created_at);

-- Kiln accounts (12-digit ids) and their SigV4 access keys. The secret is kept as is: SigV4 needs it
-- to recompute a request's signature.
CREATE TABLE accounts (
    id         VARCHAR(12)                 NOT NULL,
    name       VARCHAR(256),
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT accounts_pk PRIMARY KEY (id)
);

CREATE TABLE access_keys (
    access_key_id     VARCHAR(32)                 NOT NULL,
    secret_access_key VARCHAR(64)                 NOT NULL,
    account_id        VARCHAR(12)                 NOT NULL,
    active            BOOLEAN                     NOT NULL,
    created_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT access_keys_pk PRIMARY KEY (access_key_id),
    CONSTRAINT access_keys_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)
);
CREATE INDEX access_keys_by_account ON access_keys (account_id, created_at);
