import { Args, GraphQLISODateTime, Query, Resolver } from '@nestjs/graphql';
import { type StudentState } from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { toStudent } from '../student/student.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { RankedStudent } from './dto/progress.args';
import { SharedProfessionalView } from './dto/progress.model';
import { ProgressService } from './progress.service';

@Resolver()
export class ProgressResolver {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
  ) {}

  @Query(() => [RankedStudent], {
    description: "The caller's students (an admin's: all) ranked by risk, with reasons",
  })
  async advisorDashboard(
    @CurrentActor() actor: Actor,
    @Args('asOf', { type: () => GraphQLISODateTime, nullable: true }) asOf?: Date,
  ): Promise<RankedStudent[]> {
    const views = await this.progress.advisorDashboard(actor, asOf);
    const records = new Map(
      (await this.states.list<StudentState>(actor.tenantId, 'student')).map((r) => [
        r.aggregateId!,
        r,
      ]),
    );
    return views
      .filter((v) => records.has(v.studentId))
      .map((v) => {
        const r = records.get(v.studentId)!;
        return { student: toStudent(v.studentId, r.state, r.version), risk: v.risk };
      });
  }

  @Query(() => [SharedProfessionalView], {
    description:
      'Professionals several students contacted, so advisors can spread the load on busy alumni',
  })
  async sharedProfessionals(@CurrentActor() actor: Actor): Promise<SharedProfessionalView[]> {
    return (await this.progress.sharedProfessionals(actor)).map((p) => ({
      organization: p.organization,
      role: p.role,
      studentIds: p.studentIds,
    }));
  }
}
