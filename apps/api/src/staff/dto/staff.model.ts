import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { type StaffRole, type StaffStatus } from '@rapport/domain';
import { Connection } from '../../common/connection';

/** GraphQL names in capitals, the domain's values underneath. */
export const StaffRoleEnum = { ADVISOR: 'advisor', ADMIN: 'admin' } as const satisfies Record<
  string,
  StaffRole
>;
// `StaffRole` (lower case) names the role a note was written in; this is a member's role.
registerEnumType(StaffRoleEnum, {
  name: 'StaffMemberRole',
  description: 'Advisors follow the cohorts they are given; admins run the institution',
});

export const StaffStatusEnum = {
  INVITED: 'invited',
  ACTIVE: 'active',
  DEACTIVATED: 'deactivated',
} as const satisfies Record<string, StaffStatus>;
registerEnumType(StaffStatusEnum, {
  name: 'StaffStatus',
  description: 'INVITED until the first sign-in, then ACTIVE; DEACTIVATED ones cannot sign in',
});

@ObjectType({ description: 'An advisor or admin of the institution' })
export class StaffMember {
  @Field(() => ID, { description: 'Pass as advisorId to assignAdvisor' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Null only for an advisor carried over from before staff had records',
  })
  email!: string | null;

  @Field(() => StaffRoleEnum)
  role!: StaffRole;

  @Field(() => StaffStatusEnum)
  status!: StaffStatus;

  @Field(() => GraphQLISODateTime)
  invitedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Their first sign-in' })
  activatedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deactivatedAt!: Date | null;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class StaffMemberConnection extends Connection(StaffMember, 'StaffMember') {}

@ObjectType()
export class StaffPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => StaffMember)
  staffMember!: StaffMember;
}
