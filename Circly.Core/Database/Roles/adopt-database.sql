-- Hands the current database, and everything already in its schema public, to circly_owner, so
-- that the migrator (running as circly_owner) may change it. Run by an administrator who owns the
-- database and its objects (the superuser locally), after create-roles.sql. Idempotent.
-- New databases are simply created with OWNER circly_owner; this is for databases that existed
-- before the two roles (a local .data cluster, or an Azure server created without them).
-- From PostgreSQL 15 the schema public belongs to pg_database_owner, so owning the database
-- means owning the schema.
DO $adopt$
DECLARE
    item record;
BEGIN
    EXECUTE format('ALTER DATABASE %I OWNER TO circly_owner', current_database());

    FOR item IN
        SELECT c.relname,
               CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                              WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public'
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner <> 'circly_owner'::regrole
          -- sequences behind identity and serial columns follow their table; extensions keep theirs
          AND NOT EXISTS (SELECT FROM pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
    LOOP
        EXECUTE format('ALTER %s public.%I OWNER TO circly_owner', item.kind, item.relname);
    END LOOP;

    FOR item IN
        SELECT p.oid::regprocedure AS signature, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') AND p.proowner <> 'circly_owner'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO circly_owner', item.kind, item.signature);
    END LOOP;

    FOR item IN
        SELECT t.oid::regtype AS name, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END AS kind
        FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND t.typowner <> 'circly_owner'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO circly_owner', item.kind, item.name);
    END LOOP;
END
$adopt$;
