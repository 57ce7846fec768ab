import { Args, Context, GraphQLISODateTime, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { describeEvent, type DomainEvent } from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { decodeCursor, pageSize, toConnection } from '../common/connection';
import { Contact } from '../contact/dto/contact.model';
import { Interview } from '../interview/dto/interview.model';
import { Student } from '../student/dto/student.model';
import { PageArgs, TimelineConnection } from './dto/progress.args';
import { FollowUp, ReferralNetworkView, Risk, StudentProgressView } from './dto/progress.model';
import { toFollowUp, toNetworkView, toProgressView, toTimelineView } from './progress.mapper';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';
import { RequestLoaders } from './request-loaders';

const AS_OF = {
  type: () => GraphQLISODateTime,
  nullable: true,
  description: 'As it was at this instant',
} as const;

/**
 * Fields of a Student. Every path that yields a Student (student(id), cohort.students,
 * advisorDashboard) has already checked the caller may see that student.
 */
@Resolver(() => Student)
export class StudentFieldsResolver {
  constructor(
    private readonly loaders: RequestLoaders,
    private readonly service: ProgressService,
    private readonly repository: ProgressRepository,
  ) {}

  @ResolveField(() => StudentProgressView)
  async progress(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args('asOf', AS_OF) asOf?: Date,
  ) {
    return toProgressView((await this.loaders.for(req, actor).view(asOf).load(student.id)).summary);
  }

  @ResolveField(() => [FollowUp], { description: 'What the student owes, most urgent kinds first' })
  async followUps(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args('asOf', AS_OF) asOf?: Date,
  ) {
    return (await this.loaders.for(req, actor).view(asOf).load(student.id)).followUps.map(
      toFollowUp,
    );
  }

  @ResolveField(() => Risk)
  async risk(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args('asOf', AS_OF) asOf?: Date,
  ) {
    return (await this.loaders.for(req, actor).view(asOf).load(student.id)).risk;
  }

  @ResolveField(() => [Contact])
  contacts(@Parent() student: Student, @CurrentActor() actor: Actor, @Context('req') req: object) {
    return this.loaders.for(req, actor).contacts.load(student.id);
  }

  @ResolveField(() => [Interview])
  interviews(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
  ) {
    return this.loaders.for(req, actor).interviews.load(student.id);
  }

  @ResolveField(() => ReferralNetworkView)
  async referralNetwork(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Args('asOf', AS_OF) asOf?: Date,
  ) {
    return toNetworkView(await this.service.referralNetwork(actor, student.id, asOf));
  }

  @ResolveField(() => TimelineConnection, { description: "The student's activity, newest first" })
  async timeline(@Parent() student: Student, @CurrentActor() actor: Actor, @Args() page: PageArgs) {
    const size = pageSize(page.first);
    const after = decodeCursor<{ at: string; position: number }>(page.after);
    const { rows, total } = await this.repository.activity(
      actor.tenantId,
      student.id,
      size + 1,
      after,
    );
    const entries = rows.map((row) => ({
      key: { at: row.occurred_at.toISOString(), position: Number(row.global_position) },
      entry: toTimelineView(
        describeEvent(
          { type: row.event_type, data: row.data } as DomainEvent,
          row.actor_id ? { id: row.actor_id, role: row.actor_role ?? 'unknown' } : null,
        ),
      ),
    }));
    const connection = toConnection(entries, size, total, (e) => e.key, after !== null);
    return {
      ...connection,
      edges: connection.edges.map((edge) => ({
        cursor: edge.cursor,
        node: edge.node.entry,
      })),
    };
  }
}
