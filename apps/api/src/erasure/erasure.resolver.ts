import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Ctx, type RequestContext } from '../common/command-context.decorator';
import {
  EraseStaffMemberInput,
  EraseStudentInput,
  StaffMemberErasure,
  StudentErasure,
} from './dto/erasure.dto';
import { ErasureService } from './erasure.service';

@Resolver()
export class ErasureResolver {
  constructor(private readonly service: ErasureService) {}

  @Mutation(() => StudentErasure, {
    description:
      'Admins: erase a student for good. Their personal data becomes unreadable everywhere and they read as "Erased student"; their counts stay. Erasing again changes nothing',
  })
  async eraseStudent(
    @Ctx() ctx: RequestContext,
    @Args('input') input: EraseStudentInput,
  ): Promise<StudentErasure> {
    const result = await this.service.eraseStudent(
      ctx.actor,
      { studentId: input.studentId, reason: input.reason },
      { ...ctx, clientMutationId: input.clientMutationId },
    );
    return { clientMutationId: input.clientMutationId ?? null, ...result };
  }

  @Mutation(() => StaffMemberErasure, {
    description:
      'Admins: erase an advisor or admin (not yourself). They read as "Erased staff member" and cannot sign in again',
  })
  async eraseStaffMember(
    @Ctx() ctx: RequestContext,
    @Args('input') input: EraseStaffMemberInput,
  ): Promise<StaffMemberErasure> {
    const result = await this.service.eraseStaffMember(
      ctx.actor,
      { staffId: input.staffId, reason: input.reason },
      { ...ctx, clientMutationId: input.clientMutationId },
    );
    return { clientMutationId: input.clientMutationId ?? null, ...result };
  }
}
