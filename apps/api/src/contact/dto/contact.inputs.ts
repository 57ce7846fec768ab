import { Field, ID, InputType } from '@nestjs/graphql';
import type { ContactRelationship } from '@rapport/domain';
import { IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { contactRelationships } from '@rapport/domain';
import { MutationInput } from '../../common/mutation-input';
import { ContactRelationshipEnum } from './contact.model';

@InputType()
export class AddContactInput extends MutationInput {
  @Field()
  @IsString()
  name!: string;

  @Field(() => ContactRelationshipEnum)
  @IsIn(contactRelationships)
  relationship!: ContactRelationship;

  @Field(() => String, { nullable: true })
  @IsOptional()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  linkedinUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  notes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  organization?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  role?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  industry?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  referredByContactId?: string | null;
}

/** Absent fields keep their value; null clears an optional one. */
@InputType()
export class UpdateContactInput extends MutationInput {
  @Field(() => ID)
  @IsUUID()
  contactId!: string;

  @Field({ nullable: true })
  @IsOptional()
  name?: string;

  @Field(() => ContactRelationshipEnum, { nullable: true })
  @IsOptional()
  @IsIn(contactRelationships)
  relationship?: ContactRelationship;

  @Field(() => String, { nullable: true })
  @IsOptional()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  linkedinUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  notes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  organization?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  role?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  industry?: string | null;
}

@InputType()
export class ArchiveContactInput extends MutationInput {
  @Field(() => ID)
  @IsUUID()
  contactId!: string;
}
