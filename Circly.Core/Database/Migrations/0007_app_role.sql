-- Least privilege: the app's role reads and writes rows and does nothing else. The migrator runs
-- every migration as circly_owner (SET ROLE), which owns the schema and everything in it; the
-- roles themselves are created per server by Database/Roles/create-roles.sql.

-- Only the owner creates objects here (PostgreSQL 15 and newer already keep PUBLIC out).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO circly_app;

-- Rows of every table and view, as they are now and as later migrations add them (the default
-- privileges apply to whatever circly_owner creates in this schema of this database). No
-- TRUNCATE, REFERENCES or TRIGGER, no DDL: those stay with the owner.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO circly_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO circly_app;
ALTER DEFAULT PRIVILEGES FOR ROLE circly_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO circly_app;
ALTER DEFAULT PRIVILEGES FOR ROLE circly_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO circly_app;
ALTER DEFAULT PRIVILEGES FOR ROLE circly_owner IN SCHEMA public
    GRANT EXECUTE ON FUNCTIONS TO circly_app;

-- The migration journal is the migrator's business alone.
REVOKE ALL ON schema_migrations FROM circly_app, PUBLIC;

-- The audit log of moderation actions is append-only for the app: what an admin did cannot be
-- edited or erased through the app's login.
REVOKE UPDATE, DELETE ON admin_audit_log FROM circly_app;

-- What the app may know of the journal: the latest migration, so that it refuses to run on a
-- schema older than its code and /health/detailed reports the version. Runs as its owner.
CREATE FUNCTION schema_version() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT max(name) FROM public.schema_migrations';
REVOKE ALL ON FUNCTION schema_version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION schema_version() TO circly_app;
