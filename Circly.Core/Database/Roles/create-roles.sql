-- Circly's two database roles. Roles belong to the whole PostgreSQL server, not to one database,
-- so this runs once per server (by an administrator: scripts/postgres.sh, the test fixtures, the
-- Azure setup in docs/DEPLOY.md) and may run again at any time, even from several sessions at once.
-- What each role may do inside a database is granted there, by migration 0007.
--
--   circly_owner  owns the schema and everything in it; the migrator runs as it (SET ROLE).
--   circly_app    the app's request path: reads and writes rows, nothing else.
--
-- Neither has a password. Locally they log in through the private clusters' trust authentication;
-- in Azure password authentication is off and Entra principals act through membership
-- (GRANT circly_app TO <managed identity>), so LOGIN here opens nothing there.
DO $roles$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['circly_owner', 'circly_app'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another session created it a moment ago
            END;
        END IF;
    END LOOP;
END
$roles$;
