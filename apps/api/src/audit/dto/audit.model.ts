import { Field, GraphQLISODateTime, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection } from '../../common/connection';
import { AUDIT_ACTIONS, type AuditAction } from '../audit-actions';

export const AuditActionEnum = Object.fromEntries(AUDIT_ACTIONS.map((a) => [a, a])) as Record<
  AuditAction,
  AuditAction
>;
registerEnumType(AuditActionEnum, {
  name: 'AuditAction',
  description:
    'What was done: enrolments, withdrawals, settings, advisor assignments, staff, sign-in links, exports, erasures, retention sweeps',
});

export const AuditSubjectKindEnum = {
  STUDENT: 'STUDENT',
  STAFF_MEMBER: 'STAFF_MEMBER',
  INSTITUTION: 'INSTITUTION',
} as const;
export type AuditSubjectKind = keyof typeof AuditSubjectKindEnum;
registerEnumType(AuditSubjectKindEnum, { name: 'AuditSubjectKind' });

@ObjectType({ description: 'Who did it, named as the records name them today' })
export class AuditActor {
  @Field(() => String, {
    nullable: true,
    description: 'A staff or student id, or the job (e.g. retention)',
  })
  id!: string | null;

  @Field(() => String, { nullable: true, description: 'admin, advisor, student or system' })
  role!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'From the current records ("Erased staff member" once erased); null if unknown',
  })
  displayName!: string | null;
}

@ObjectType({ description: 'Whom or what it was done to' })
export class AuditSubject {
  @Field(() => AuditSubjectKindEnum)
  kind!: AuditSubjectKind;

  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: 'From the current records ("Erased student" once erased)',
  })
  displayName!: string | null;
}

@ObjectType({ description: 'One recorded action, from the event log; never personal data' })
export class AuditEntry {
  @Field(() => ID, { description: 'The id of the event that records it' })
  id!: string;

  @Field(() => GraphQLISODateTime, { description: 'When it happened' })
  at!: Date;

  @Field(() => GraphQLISODateTime, { description: 'When it was recorded (the time filter)' })
  recordedAt!: Date;

  @Field(() => AuditActionEnum)
  action!: AuditAction;

  @Field({ description: 'The event type, e.g. StudentEnrolled' })
  eventType!: string;

  @Field(() => AuditActor)
  actor!: AuditActor;

  @Field(() => AuditSubject)
  subject!: AuditSubject;

  @Field(() => String, {
    nullable: true,
    description: 'Plain facts: settings changed, erasure reason, students erased by a sweep',
  })
  detail!: string | null;
}

@ObjectType()
export class AuditEntryConnection extends Connection(AuditEntry, 'AuditEntry') {}
