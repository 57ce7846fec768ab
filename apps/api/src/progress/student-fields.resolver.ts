import { Args, Context, GraphQLISODateTime, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { PageArgs } from '../common/connection';
import { ContactConnection } from '../contact/dto/contact.model';
import { InterviewConnection } from '../interview/dto/interview.model';
import { Student } from '../student/dto/student.model';
import { TimelineConnection } from './dto/progress.args';
import { FollowUp, ReferralNetworkView, Risk, StudentProgressView } from './dto/progress.model';
import { toFollowUp, toNetworkView, toProgressView, toTimelineView } from './progress.mapper';
import { ProgressService } from './progress.service';
import { RequestLoaders } from './request-loaders';

const AS_OF = {
  type: () => GraphQLISODateTime,
  nullable: true,
  description: 'As it was at this instant',
} as const;

/**
 * Fields of a Student. Every path that yields a Student (student(id), cohort.students,
 * advisorDashboard, me) has already checked the caller may see that student; the loaders check
 * again, once per request, so a new path cannot open a back door.
 */
@Resolver(() => Student)
export class StudentFieldsResolver {
  constructor(
    private readonly loaders: RequestLoaders,
    private readonly service: ProgressService,
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

  @ResolveField(() => Boolean, {
    description: 'On their cohort roster now; false once withdrawn (only admins see them then)',
  })
  enrolled(@Parent() student: Student, @CurrentActor() actor: Actor, @Context('req') req: object) {
    return this.loaders.for(req, actor).enrolled.load(student.id);
  }

  @ResolveField(() => ContactConnection, { description: 'In a stable order, paged (Relay)' })
  contacts(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args() page: PageArgs,
  ) {
    return this.loaders.for(req, actor).contacts(page).load(student.id);
  }

  @ResolveField(() => InterviewConnection, { description: 'In a stable order, paged (Relay)' })
  interviews(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args() page: PageArgs,
  ) {
    return this.loaders.for(req, actor).interviews(page).load(student.id);
  }

  @ResolveField(() => ReferralNetworkView)
  async referralNetwork(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args('asOf', AS_OF) asOf?: Date,
  ) {
    await this.loaders.for(req, actor).assertVisible(student.id);
    return toNetworkView(await this.service.referralNetwork(actor, student.id, asOf));
  }

  @ResolveField(() => TimelineConnection, {
    description: "The student's activity, newest first (students never see notes staff keep)",
  })
  async timeline(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
    @Context('req') req: object,
    @Args() page: PageArgs,
  ) {
    await this.loaders.for(req, actor).assertVisible(student.id);
    const connection = await this.service.timeline(actor, student.id, page);
    return {
      ...connection,
      edges: connection.edges.map((e) => ({ ...e, node: toTimelineView(e.node) })),
    };
  }
}
