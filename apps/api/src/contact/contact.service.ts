import { Injectable } from '@nestjs/common';
import { type ContactState, DomainError, streamIds } from '@rapport/domain';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import {
  type ConnectionShape,
  decodeCursor,
  ID_CURSOR,
  type PageArgs,
  pagesPerStudent,
  pageSize,
} from '../common/connection';
import { newId } from '../common/ids';
import {
  AggregateStatesRepository,
  type StoredAggregate,
} from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor, type Loaded, type StateReader } from '../write/command-executor';
import type {
  AddContactInput,
  ArchiveContactInput,
  UpdateContactInput,
} from './dto/contact.inputs';
import type { Contact } from './dto/contact.model';

type ExistingContact = Exclude<ContactState, { status: 'none' }>;

@Injectable()
export class ContactService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
  ) {}

  async add(context: CommandContext, input: AddContactInput): Promise<Contact> {
    const studentId = await this.access.actingStudentId(context.actor);
    if (input.referredByContactId) await this.ownContact(context.actor, input.referredByContactId);
    const contactId = newId(context, 'contact');
    const result = await this.executor.execute<ContactState>(
      context,
      {
        type: 'AddContact',
        data: {
          contactId,
          studentId,
          relationship: input.relationship,
          organization: input.organization ?? null,
          role: input.role ?? null,
          industry: input.industry ?? null,
          referredByContactId: input.referredByContactId ?? null,
          personal: {
            name: input.name,
            email: input.email ?? null,
            linkedinUrl: input.linkedinUrl ?? null,
            notes: input.notes ?? null,
          },
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toContact(contactId, result.state, result.version);
  }

  async update(context: CommandContext, input: UpdateContactInput): Promise<Contact> {
    await this.ownContact(context.actor, input.contactId);
    const {
      contactId,
      expectedVersion,
      clientMutationId: _,
      name,
      email,
      linkedinUrl,
      notes,
      ...facts
    } = input;
    const personal = { name, email, linkedinUrl, notes };
    const result = await this.executor.execute<ContactState>(
      context,
      {
        type: 'UpdateContact',
        data: {
          contactId,
          ...facts,
          ...(Object.values(personal).some((v) => v !== undefined) ? { personal } : {}),
          at: context.now.toISOString(),
        },
      },
      { expectedVersion },
    );
    return toContact(contactId, result.state, result.version);
  }

  async archive(context: CommandContext, input: ArchiveContactInput): Promise<Contact> {
    await this.ownContact(context.actor, input.contactId);
    const result = await this.executor.execute<ContactState>(
      context,
      {
        type: 'ArchiveContact',
        data: { contactId: input.contactId, at: context.now.toISOString() },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toContact(input.contactId, result.state, result.version);
  }

  async get(actor: Actor, contactId: string): Promise<Contact> {
    const stored = await this.find(actor, contactId);
    await this.access.assertCanReadStudent(actor, stored.state.studentId);
    return toContact(contactId, stored.state, stored.version);
  }

  /** A page of a student's contacts, in id order (stable while the list grows). */
  async page(actor: Actor, studentId: string, page: PageArgs): Promise<ConnectionShape<Contact>> {
    await this.access.assertCanReadStudent(actor, studentId);
    return (await this.pagesOf(actor, [studentId], page)).get(studentId)!;
  }

  /** The same page of each student's contacts, for students the caller was allowed to see. */
  async pagesOf(
    actor: Actor,
    studentIds: readonly string[],
    page: PageArgs,
  ): Promise<Map<string, ConnectionShape<Contact>>> {
    const size = pageSize(page.first);
    const after = decodeCursor(page.after, ID_CURSOR);
    const fetched = await this.states.pageByStudents<ContactState>(
      actor.tenantId,
      'contact',
      studentIds,
      size + 1,
      after ? streamIds.contact(after.id) : null,
    );
    return pagesPerStudent(studentIds, fetched, size, after !== null, (r) =>
      toContact(r.aggregateId!, r.state, r.version),
    );
  }

  /** All of a student's contacts (their data export). */
  async listForStudent(actor: Actor, studentId: string): Promise<Contact[]> {
    await this.access.assertCanReadStudent(actor, studentId);
    const stored = await this.states.list<ExistingContact>(actor.tenantId, 'contact', {
      studentId,
    });
    return stored.map((s) => toContact(s.aggregateId!, s.state, s.version));
  }

  /** A contact of the calling student (for writes, referral links and interviews). */
  /** A contact the calling student writes about: it must exist and be their own. */
  async ownContact(
    actor: Actor,
    contactId: string,
    reads: StateReader = this.states.reader(actor.tenantId),
  ): Promise<Loaded<ExistingContact>> {
    const loaded = await reads.get<ContactState>(streamIds.contact(contactId));
    if (loaded.state.status === 'none')
      throw DomainError.notFound(`Contact ${contactId} does not exist`, 'contactId');
    await this.access.assertOwnRecord(actor, loaded.state, reads);
    return loaded as Loaded<ExistingContact>;
  }

  private async find(actor: Actor, contactId: string): Promise<StoredAggregate<ExistingContact>> {
    const stored = await this.states.find<ContactState>(
      actor.tenantId,
      streamIds.contact(contactId),
    );
    if (!stored || stored.state.status === 'none')
      throw DomainError.notFound(`Contact ${contactId} does not exist`, 'contactId');
    return stored as StoredAggregate<ExistingContact>;
  }
}

export function toContact(contactId: string, state: ContactState, version: number): Contact {
  if (state.status === 'none')
    throw DomainError.notFound(`Contact ${contactId} does not exist`, 'contactId');
  return {
    id: contactId,
    studentId: state.studentId,
    name: state.personal.name,
    email: state.personal.email,
    linkedinUrl: state.personal.linkedinUrl,
    notes: state.personal.notes,
    organization: state.organization,
    role: state.role,
    industry: state.industry,
    relationship: state.relationship,
    referredByContactId: state.referredByContactId,
    archived: state.status === 'archived',
    version,
  };
}
