import { Injectable } from '@nestjs/common';
import { type ContactState, type OpenInterview } from '@rapport/domain';
import DataLoader from 'dataloader';
import type { Actor } from '../auth/actor';
import { toContact } from '../contact/contact.service';
import type { Contact } from '../contact/dto/contact.model';
import type { Interview } from '../interview/dto/interview.model';
import { InterviewDetailsReader } from '../interview/interview-details.reader';
import { toInterview } from '../interview/interview.mapper';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { ProgressService, type StudentView } from './progress.service';

/** DataLoaders of one request: every nested list of a page of students costs one batch. */
export interface Loaders {
  view(asOf: Date | undefined): DataLoader<string, StudentView>;
  contacts: DataLoader<string, Contact[]>;
  interviews: DataLoader<string, Interview[]>;
}

const perRequest = new WeakMap<object, Loaders>();

@Injectable()
export class RequestLoaders {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
    private readonly details: InterviewDetailsReader,
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
    const views = new Map<string, DataLoader<string, StudentView>>();
    return {
      view: (asOf) => {
        const key = asOf?.toISOString() ?? 'live';
        let loader = views.get(key);
        if (!loader) {
          loader = new DataLoader(async (ids) => {
            const found = await this.progress.studentViews(actor, ids, asOf);
            return ids.map((id) => found.get(id)!);
          });
          views.set(key, loader);
        }
        return loader;
      },
      contacts: new DataLoader(async (studentIds) => {
        const stored = await this.states.listByStudents<ContactState>(
          actor.tenantId,
          'contact',
          studentIds,
        );
        return studentIds.map((id) =>
          stored
            .filter((s) => (s.state as { studentId?: string }).studentId === id)
            .map((s) => toContact(s.aggregateId!, s.state, s.version)),
        );
      }),
      interviews: new DataLoader(async (studentIds) => {
        const stored = await this.states.listByStudents<OpenInterview>(
          actor.tenantId,
          'interview',
          studentIds,
        );
        const details = await this.details.read(actor.tenantId, stored);
        return studentIds.map((id) =>
          stored
            .filter((s) => s.state.studentId === id)
            .map((s) => toInterview(s.aggregateId!, s.state, s.version, details.get(s.streamId)!)),
        );
      }),
    };
  }
}
