import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { SetDigestPreferenceInput, UpdateStudentProfileInput } from './dto/student.inputs';
import { Me, Student, StudentPayload } from './dto/student.model';
import { StudentService } from './student.service';

@Resolver(() => Student)
export class StudentResolver {
  constructor(private readonly service: StudentService) {}

  @Mutation(() => StudentPayload, { description: 'A student changes their own profile' })
  async updateStudentProfile(
    @Ctx() ctx: RequestContext,
    @Args('input') input: UpdateStudentProfileInput,
  ): Promise<StudentPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      student: await this.service.updateProfile(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => StudentPayload, { description: 'A student turns their weekly digest on or off' })
  async setDigestPreference(
    @Ctx() ctx: RequestContext,
    @Args('input') input: SetDigestPreferenceInput,
  ): Promise<StudentPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      student: await this.service.setDigestPreference(commandContext(ctx, input), input),
    };
  }

  @Query(() => Student, {
    description: 'Students: themselves; advisors: students of their cohorts; admins: anyone',
  })
  student(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Student> {
    return this.service.get(actor, id);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'A requested new address awaiting confirmation from the link sent to it; only the student and admins see it',
  })
  pendingEmail(@Parent() student: Student, @CurrentActor() actor: Actor): string | null {
    return this.service.pendingEmail(actor, student);
  }

  @Query(() => Me, { description: 'The caller, and for students their own record' })
  me(@CurrentActor() actor: Actor): Promise<Me> {
    return this.service.me(actor);
  }
}
