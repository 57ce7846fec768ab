import { Args, Context, GraphQLISODateTime, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { type StudentState } from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { Cohort } from '../cohort/dto/cohort.model';
import { pageInMemory } from '../common/connection';
import { toStudent } from '../student/student.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { CohortStudentsArgs, StudentConnection, StudentSort } from './dto/progress.args';
import { CohortDashboardView } from './dto/progress.model';
import { toDashboardView } from './progress.mapper';
import { ProgressService, type StudentView } from './progress.service';
import { RequestLoaders } from './request-loaders';

/** A cohort's dashboard and its students, for its advisors and admins. */
@Resolver(() => Cohort)
export class CohortFieldsResolver {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
    private readonly loaders: RequestLoaders,
  ) {}

  @ResolveField(() => CohortDashboardView)
  async dashboard(
    @Parent() cohort: Cohort,
    @CurrentActor() actor: Actor,
    @Args('asOf', {
      type: () => GraphQLISODateTime,
      nullable: true,
      description: 'As it was at this instant',
    })
    asOf?: Date,
  ) {
    return toDashboardView(await this.progress.cohortDashboard(actor, cohort.id, asOf));
  }

  @ResolveField(() => StudentConnection, {
    description: 'Enrolled students, filtered, sorted and paged (Relay)',
  })
  async students(
    @Parent() cohort: Cohort,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args() args: CohortStudentsArgs,
  ) {
    const views = await this.progress.cohortStudentViews(actor, cohort.id, args.asOf);
    // By id: a student who has since moved to another cohort is listed as of their stay here.
    const records = await this.states.listByStudents<StudentState>(
      actor.tenantId,
      'student',
      views.map((v) => v.studentId),
    );
    const students = new Map(
      records.map((r) => [r.aggregateId!, toStudent(r.aggregateId!, r.state, r.version)]),
    );
    const search = args.filter?.search?.toLowerCase();
    const rows = views
      .filter((v) => students.has(v.studentId))
      .filter((v) => !args.filter?.stage || v.summary.stage === args.filter.stage)
      .filter(
        (v) =>
          args.filter?.atRisk === undefined || args.filter.atRisk === v.risk.reasons.length > 0,
      )
      .filter((v) => {
        const s = students.get(v.studentId)!;
        return (
          !search || s.name.toLowerCase().includes(search) || s.email.toLowerCase().includes(search)
        );
      })
      .sort(sorter(args.sort ?? StudentSort.NAME, (v) => students.get(v.studentId)!.name));

    // The nested progress fields of this page need no further reads.
    const loader = this.loaders.for(req, actor).view(args.asOf);
    for (const view of rows) loader.prime(view.studentId, view);

    const page = pageInMemory(rows, args, (v) => v.studentId);
    return {
      ...page,
      edges: page.edges.map((e) => ({ ...e, node: students.get(e.node.studentId)! })),
    };
  }
}

function sorter(sort: StudentSort, nameOf: (view: StudentView) => string) {
  const byName = (a: StudentView, b: StudentView) =>
    nameOf(a).localeCompare(nameOf(b)) || a.studentId.localeCompare(b.studentId);
  switch (sort) {
    case StudentSort.NAME:
      return byName;
    case StudentSort.RISK:
      return (a: StudentView, b: StudentView) => b.risk.score - a.risk.score || byName(a, b);
    case StudentSort.LAST_ACTIVITY:
      // Longest silence first: those are the students to call.
      return (a: StudentView, b: StudentView) =>
        (a.summary.lastActivityAt ?? '').localeCompare(b.summary.lastActivityAt ?? '') ||
        byName(a, b);
    case StudentSort.INTERVIEWS_HELD:
      return (a: StudentView, b: StudentView) =>
        b.summary.interviews.held - a.summary.interviews.held || byName(a, b);
    default: {
      const _exhaustive: never = sort;
      return _exhaustive;
    }
  }
}
