import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AccessService, type VisibleStudents } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import type { ConnectionShape, PageArgs } from '../common/connection';
import { ContactService } from '../contact/contact.service';
import type { Contact } from '../contact/dto/contact.model';
import type { Interview } from '../interview/dto/interview.model';
import { InterviewService } from '../interview/interview.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { ProgressService, type StudentView } from './progress.service';

/** DataLoaders of one request: every nested list of a page of students costs one batch. */
export interface Loaders {
  /** Refuses a student the caller may not see now, whichever path led to them. */
  assertVisible(studentId: string): Promise<void>;
  view(asOf: Date | undefined): DataLoader<string, StudentView>;
  contacts(page: PageArgs): DataLoader<string, ConnectionShape<Contact>>;
  interviews(page: PageArgs): DataLoader<string, ConnectionShape<Interview>>;
  enrolled: DataLoader<string, boolean>;
}

const perRequest = new WeakMap<object, Loaders>();

@Injectable()
export class RequestLoaders {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly contacts: ContactService,
    private readonly interviews: InterviewService,
  ) {}

  /** The loaders of this request (created on first use, dropped with the request). */
  for(request: object, actor: Actor): Loaders {
    let loaders = perRequest.get(request);
    if (!loaders) {
      loaders = this.create(actor);
      perRequest.set(request, loaders);
    }
    return loaders;
  }

  private create(actor: Actor): Loaders {
    let scope: Promise<VisibleStudents> | undefined;
    const visible = () => (scope ??= this.access.visibleStudents(actor));
    // Every batch leaves out students the caller may not see now, whichever path led to them.
    const guarded =
      <V>(batch: (ids: readonly string[]) => Promise<Map<string, V>>) =>
      async (ids: readonly string[]): Promise<(V | Error)[]> => {
        const allowed = await visible();
        const found = await batch(ids.filter((id) => allowed.has(id)));
        return ids.map((id) => (allowed.has(id) ? found.get(id)! : notVisible()));
      };
    const views = new Map<string, DataLoader<string, StudentView>>();
    const contactPages = new Map<string, DataLoader<string, ConnectionShape<Contact>>>();
    const interviewPages = new Map<string, DataLoader<string, ConnectionShape<Interview>>>();
    return {
      assertVisible: async (studentId) => {
        if (!(await visible()).has(studentId)) throw notVisible();
      },
      view: (asOf) =>
        memo(
          views,
          asOf?.toISOString() ?? 'live',
          guarded((ids) => this.progress.studentViews(actor, ids, asOf)),
        ),
      contacts: (page) =>
        memo(
          contactPages,
          pageKey(page),
          guarded((ids) => this.contacts.pagesOf(actor, ids, page)),
        ),
      interviews: (page) =>
        memo(
          interviewPages,
          pageKey(page),
          guarded((ids) => this.interviews.pagesOf(actor, ids, page)),
        ),
      enrolled: new DataLoader(
        guarded(async (ids) => {
          const enrolled = await this.states.enrolledAmong(actor.tenantId, ids);
          return new Map(ids.map((id) => [id, enrolled.has(id)]));
        }),
      ),
    };
  }
}

function notVisible(): AuthError {
  return AuthError.forbidden('You advise no cohort this student is enrolled in');
}

/** One loader per distinct arguments, so fields with the same arguments share a batch. */
function memo<V>(
  loaders: Map<string, DataLoader<string, V>>,
  key: string,
  batch: (ids: readonly string[]) => Promise<(V | Error)[]>,
): DataLoader<string, V> {
  let loader = loaders.get(key);
  if (!loader) {
    loader = new DataLoader(batch);
    loaders.set(key, loader);
  }
  return loader;
}

function pageKey(page: PageArgs): string {
  return JSON.stringify([page.first ?? null, page.after ?? null]);
}
