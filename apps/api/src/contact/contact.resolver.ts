import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { type ConnectionShape, PageArgs } from '../common/connection';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { ContactService } from './contact.service';
import { AddContactInput, ArchiveContactInput, UpdateContactInput } from './dto/contact.inputs';
import { Contact, ContactConnection, ContactPayload } from './dto/contact.model';

@Resolver(() => Contact)
export class ContactResolver {
  constructor(private readonly service: ContactService) {}

  @Mutation(() => ContactPayload, { description: 'A student records someone they could interview' })
  async addContact(
    @Ctx() ctx: RequestContext,
    @Args('input') input: AddContactInput,
  ): Promise<ContactPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      contact: await this.service.add(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => ContactPayload)
  async updateContact(
    @Ctx() ctx: RequestContext,
    @Args('input') input: UpdateContactInput,
  ): Promise<ContactPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      contact: await this.service.update(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => ContactPayload)
  async archiveContact(
    @Ctx() ctx: RequestContext,
    @Args('input') input: ArchiveContactInput,
  ): Promise<ContactPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      contact: await this.service.archive(commandContext(ctx, input), input),
    };
  }

  @Query(() => Contact)
  contact(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Contact> {
    return this.service.get(actor, id);
  }

  @Query(() => ContactConnection, {
    description: "A student's contacts (students: their own), paged (Relay)",
  })
  contacts(
    @CurrentActor() actor: Actor,
    @Args('studentId', { type: () => ID }) studentId: string,
    @Args() page: PageArgs,
  ): Promise<ConnectionShape<Contact>> {
    return this.service.page(actor, studentId, page);
  }
}
