import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "An advisor's note on a student; never shown to the student" })
export class AdvisorNote {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studentId!: string;

  @Field(() => ID, { description: 'Who wrote it: an advisor id, or an admin' })
  authorId!: string;

  @Field(() => String, { nullable: true, description: 'Null once the note is retracted' })
  text!: string | null;

  @Field({ description: 'ISO-8601 instant' })
  addedAt!: string;

  @Field(() => String, { nullable: true, description: 'ISO-8601 instant of the last edit' })
  editedAt!: string | null;

  @Field()
  retracted!: boolean;

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
