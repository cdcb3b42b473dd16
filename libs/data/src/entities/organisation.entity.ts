import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Bundesland, GovernmentLevel } from './government-level.js';

@Entity('organisation')
export class OrganisationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', unique: true })
  slug!: string;

  @Column({ type: 'text' })
  level!: GovernmentLevel;

  /** Bundesland for LAND and KOMMUNE organisations; null for BUND. */
  @Column({ type: 'text', nullable: true })
  state!: Bundesland | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
