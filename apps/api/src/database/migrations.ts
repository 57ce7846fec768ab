import {
  DataKeys1764700000000,
  EventStore1764230400000,
  LeanAppend1764230950000,
  type MigrationClass,
  WorkerRole1764300000000,
} from '@rapport/event-store';
import { AggregateStates1764230500000 } from './migrations/1764230500000-aggregate-states';
import { ProgressReadModels1764230600000 } from './migrations/1764230600000-progress-read-models';
import { ProgressSnapshots1764230700000 } from './migrations/1764230700000-progress-snapshots';
import { Digests1764230800000 } from './migrations/1764230800000-digests';
import { JsonDocuments1764231000000 } from './migrations/1764231000000-json-documents';
import { WorkerClaimsOutbox1764300100000 } from './migrations/1764300100000-worker-claims-outbox';
import { OutboxMessageKinds1764300200000 } from './migrations/1764300200000-outbox-message-kinds';
import { IdentityProviders1764400100000 } from './migrations/1764400100000-identity-providers';
import { StaffInvitationOutboxKind1764400200000 } from './migrations/1764400200000-staff-invitation-outbox-kind';
import { LegacyAdvisorsBecomeStaff1764400200001 } from './migrations/1764400200001-legacy-advisors-become-staff';
import { WelcomeMessages1764400400000 } from './migrations/1764400400000-welcome-messages';
import { StudentEnrolments1764500000000 } from './migrations/1764500000000-student-enrolments';
import { WeekSessions1764600100000 } from './migrations/1764600100000-week-sessions';
import { SignInLinkMessages1764600200000 } from './migrations/1764600200000-sign-in-link-messages';
import { NudgeEffect1764600400000 } from './migrations/1764600400000-nudge-effect';
import { RetentionAndAudit1764700200000 } from './migrations/1764700200000-retention-and-audit';
import { IdsOnlyOutsideTheEnvelope1764700300000 } from './migrations/1764700300000-ids-only-outside-the-envelope';
import { OneRoundTripWrites1764800000000 } from './migrations/1764800000000-one-round-trip-writes';
import { DashboardFingerprint1764800100000 } from './migrations/1764800100000-dashboard-fingerprint';

/** Every migration, oldest first. Append only: a committed migration is never edited. */
export const migrations: readonly MigrationClass[] = [
  EventStore1764230400000,
  AggregateStates1764230500000,
  ProgressReadModels1764230600000,
  ProgressSnapshots1764230700000,
  Digests1764230800000,
  LeanAppend1764230950000,
  JsonDocuments1764231000000,
  WorkerRole1764300000000,
  WorkerClaimsOutbox1764300100000,
  OutboxMessageKinds1764300200000,
  IdentityProviders1764400100000,
  StaffInvitationOutboxKind1764400200000,
  LegacyAdvisorsBecomeStaff1764400200001,
  WelcomeMessages1764400400000,
  StudentEnrolments1764500000000,
  WeekSessions1764600100000,
  SignInLinkMessages1764600200000,
  NudgeEffect1764600400000,
  DataKeys1764700000000,
  RetentionAndAudit1764700200000,
  IdsOnlyOutsideTheEnvelope1764700300000,
  OneRoundTripWrites1764800000000,
  DashboardFingerprint1764800100000,
];
