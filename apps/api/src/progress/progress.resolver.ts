import { Args, Query, Resolver } from '@nestjs/graphql';
import { type StudentState } from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { type ConnectionShape, pageInMemory, PageArgs } from '../common/connection';
import { toStudent } from '../student/student.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import {
  AdvisorDashboardArgs,
  type RankedStudent,
  RankedStudentConnection,
  SharedProfessionalConnection,
} from './dto/progress.args';
import { SharedProfessionalView } from './dto/progress.model';
import { ProgressService } from './progress.service';

@Resolver()
export class ProgressResolver {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
  ) {}

  @Query(() => RankedStudentConnection, {
    description: "The caller's students (an admin's: all) ranked by risk, with reasons, paged",
  })
  async advisorDashboard(
    @CurrentActor() actor: Actor,
    @Args() args: AdvisorDashboardArgs,
  ): Promise<ConnectionShape<RankedStudent>> {
    const page = pageInMemory(
      await this.progress.advisorDashboard(actor, args.asOf),
      args,
      (v) => v.studentId,
    );
    const ids = page.edges.map((e) => e.node.studentId);
    const records = new Map(
      (await this.states.listByStudents<StudentState>(actor.tenantId, 'student', ids)).map((r) => [
        r.aggregateId!,
        r,
      ]),
    );
    return {
      ...page,
      edges: page.edges
        .filter(({ node: v }) => records.has(v.studentId))
        .map(({ cursor, node: v }) => {
          const r = records.get(v.studentId)!;
          return {
            cursor,
            node: { student: toStudent(v.studentId, r.state, r.version), risk: v.risk },
          };
        }),
    };
  }

  @Query(() => SharedProfessionalConnection, {
    description:
      'Professionals several students contacted, so advisors can spread the load on busy alumni',
  })
  async sharedProfessionals(
    @CurrentActor() actor: Actor,
    @Args() page: PageArgs,
  ): Promise<ConnectionShape<SharedProfessionalView>> {
    const shared = pageInMemory(await this.progress.sharedProfessionals(actor), page, (p) => p.key);
    return {
      ...shared,
      edges: shared.edges.map(({ cursor, node: p }) => ({
        cursor,
        node: { organization: p.organization, role: p.role, studentIds: p.studentIds },
      })),
    };
  }
}
