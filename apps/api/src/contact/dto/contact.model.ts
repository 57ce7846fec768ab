import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { type ContactRelationship, contactRelationships } from '@rapport/domain';
import { Connection } from '../../common/connection';
import { enumFromList } from '../../common/graphql-enum';

export const ContactRelationshipEnum = enumFromList(
  'ContactRelationship',
  contactRelationships,
  'How the student knows the professional',
);

@ObjectType({ description: 'A professional a student may interview' })
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studentId!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  linkedinUrl!: string | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => String, { nullable: true })
  organization!: string | null;

  @Field(() => String, { nullable: true })
  role!: string | null;

  @Field(() => String, { nullable: true })
  industry!: string | null;

  @Field(() => ContactRelationshipEnum)
  relationship!: ContactRelationship;

  @Field(() => ID, { nullable: true, description: 'The contact who introduced this one' })
  referredByContactId!: string | null;

  @Field()
  archived!: boolean;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class ContactPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Contact)
  contact!: Contact;
}

@ObjectType()
export class ContactConnection extends Connection(Contact, 'Contact') {}
