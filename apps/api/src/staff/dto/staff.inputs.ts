import { Field, ID, InputType } from '@nestjs/graphql';
import { type StaffRole } from '@rapport/domain';
import { IsIn, IsString, Length } from 'class-validator';
import { MutationInput } from '../../common/mutation-input';
import { StaffRoleEnum } from './staff.model';

/** Name and email are checked by the decider, which reports them by field. */
@InputType()
export class InviteStaffInput extends MutationInput {
  @Field({
    description: 'Where the invitation goes; they sign in with the account of this address',
  })
  @IsString()
  @Length(0, 320)
  email!: string;

  @Field()
  @IsString()
  @Length(0, 1000)
  name!: string;

  @Field(() => StaffRoleEnum)
  @IsIn(Object.values(StaffRoleEnum))
  role!: StaffRole;
}

@InputType()
export class StaffMemberInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  staffId!: string;
}

@InputType()
export class DeactivateStaffInput extends StaffMemberInput {}

@InputType()
export class ResendStaffInvitationInput extends StaffMemberInput {}
