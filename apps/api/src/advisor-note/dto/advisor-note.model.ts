import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { STAFF_ROLES, type StaffRole } from '@rapport/domain';
import { enumFromList } from '../../common/graphql-enum';

export const StaffRoleEnum = enumFromList(
  'StaffRole',
  STAFF_ROLES,
  'The role a staff member acted in on a student',
);

@ObjectType({ description: 'The staff member who made a change' })
export class NoteChanger {
  @Field(() => ID, { description: 'An advisor id, or an admin' })
  id!: string;

  @Field(() => StaffRoleEnum, {
    nullable: true,
    description: 'Null for changes recorded before roles were kept',
  })
  role!: StaffRole | null;
}

@ObjectType({ description: "An advisor's note on a student; never shown to the student" })
export class AdvisorNote {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studentId!: string;

  @Field(() => ID, {
    description: 'Who wrote it (an advisor id, or an admin): the only one who may edit it',
  })
  authorId!: string;

  @Field(() => String, { nullable: true, description: 'Null once the note is retracted' })
  text!: string | null;

  @Field({ description: 'ISO-8601 instant' })
  addedAt!: string;

  @Field(() => String, { nullable: true, description: 'ISO-8601 instant of the last edit' })
  editedAt!: string | null;

  @Field()
  retracted!: boolean;

  @Field(() => NoteChanger, {
    description: 'Who last added, edited or retracted it: only its author edits it',
  })
  lastChangedBy!: NoteChanger;

  @Field({ description: 'ISO-8601 instant of the last change' })
  lastChangedAt!: string;

  @Field(() => Int, {
    description:
      "Version of all notes on this student; pass as expectedVersion to change a note only if nobody changed the student's notes meanwhile",
  })
  version!: number;
}

@ObjectType()
export class AdvisorNotePayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => AdvisorNote)
  note!: AdvisorNote;
}
