import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A row per login. Its access and refresh tokens carry its id (`sid`); the refresh token also its
 * generation, and only the current generation can be exchanged. Ending a session is a write of
 * `ended_at`, announced as a change of the session (`kind: 'session'`), so every instance drops the
 * session's remembered tokens, and only those, and reads the session again. Disabling a user ends its sessions in the
 * same statement, whoever disables it (any instance, an operator's SQL), so re-enabling it revives
 * none; deleting a user deletes them.
 */
export class Sessions1763900400000 implements MigrationInterface {
  name = 'Sessions1763900400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        refresh_generation integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        refreshed_at timestamptz,
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason varchar(30),
        CONSTRAINT sessions_end_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      )`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    // qualified by the trigger's own schema: an operator's SQL runs with whatever search_path it has
    await db.query(`
      CREATE FUNCTION keygate_end_sessions_of_disabled_user() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        EXECUTE format('UPDATE %I.sessions SET ended_at = now(), end_reason = ''USER_DISABLED'' WHERE user_id = $1 AND ended_at IS NULL', TG_TABLE_SCHEMA)
          USING NEW.id;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_end_sessions
        AFTER UPDATE OF enabled ON users
        FOR EACH ROW WHEN (OLD.enabled AND NOT NEW.enabled) EXECUTE FUNCTION keygate_end_sessions_of_disabled_user()`);
    await db.query(`
      CREATE FUNCTION keygate_notify_session_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('keygate_changes', json_build_object(
          'schema', TG_TABLE_SCHEMA,
          'kind', 'session',
          'id', CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER sessions_notify_end
        AFTER UPDATE OF ended_at ON sessions
        FOR EACH ROW WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL) EXECUTE FUNCTION keygate_notify_session_end()`);
    // a live session's row deleted by hand ends it too; expired ones (pruned at login) need no announcement
    await db.query(`
      CREATE TRIGGER sessions_notify_delete
        AFTER DELETE ON sessions
        FOR EACH ROW WHEN (OLD.ended_at IS NULL AND OLD.expires_at > now()) EXECUTE FUNCTION keygate_notify_session_end()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER users_end_sessions ON users`);
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP FUNCTION keygate_notify_session_end()`);
    await db.query(`DROP FUNCTION keygate_end_sessions_of_disabled_user()`);
  }
}
