-- The admin audit log is append-only, enforced by the database: whoever holds a connection
-- (the app, a compromised admin account, a hand-written query) can add entries and read them,
-- never change or remove one. Only the table owner dropping the trigger could.
ALTER TABLE admin_audit_log ADD COLUMN reason text CHECK (char_length(reason) <= 500);

CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'admin_audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER admin_audit_log_no_update_or_delete
    BEFORE UPDATE OR DELETE ON admin_audit_log
    FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only();

CREATE TRIGGER admin_audit_log_no_truncate
    BEFORE TRUNCATE ON admin_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only();
