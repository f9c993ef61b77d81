-- Run once by the postgres image, on first start with an empty data volume
-- (/docker-entrypoint-initdb.d). One database per service: each service owns its data.
-- The services would also create their own database if missing; doing it here keeps that explicit.
CREATE DATABASE catalog;
CREATE DATABASE account;
-- ORDER is a reserved word.
CREATE DATABASE "order";
