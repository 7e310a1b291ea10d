import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Why a session ended. `USER_DISABLED` is written by the database itself (see the Sessions migration). */
export enum SessionEndReason {
  LOGOUT = 'LOGOUT',
  REFRESH_TOKEN_REUSED = 'REFRESH_TOKEN_REUSED',
  USER_DISABLED = 'USER_DISABLED',
}

/**
 * One login: every access and refresh token issued for it names it (`sid`), and is refused once it
 * has ended. Only the refresh token of the current generation may be exchanged.
 */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** The generation of the one refresh token that may still be exchanged; each exchange adds one. */
  @Column({ name: 'refresh_generation', type: 'integer', default: 0 })
  refreshGeneration: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'refreshed_at', type: 'timestamptz', nullable: true })
  refreshedAt: Date | null;

  /** When the last token issued for it expires: after that the row is only history, and is pruned. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'varchar', length: 30, nullable: true })
  endReason: SessionEndReason | null;
}
