import { decidersByKind } from '../deciders';
import { type DomainCommand, type DomainEvent, streamIdForCommand } from '../domain';
import { isDomainError } from '../shared/domain-error';
import { parseStreamId } from '../shared/stream-ids';
import { reactionsTo } from './journey';

/**
 * The write side without storage: each command is decided against its stream's state and the
 * events folded in, exactly as the command executor would. A rejected command throws, so a
 * run that completes holds only histories the real deciders accepted.
 */
export class InMemoryStreams {
  private readonly states = new Map<string, { state: unknown; version: number }>();
  readonly events: DomainEvent[] = [];

  run(command: DomainCommand): DomainEvent[] {
    const streamId = streamIdForCommand(command);
    const kind = parseStreamId(streamId)?.kind;
    if (!kind) throw new Error(`${command.type} targets no aggregate`);
    const decider = decidersByKind[kind];
    const slot = this.states.get(streamId) ?? { state: decider.initialState(), version: 0 };
    const decided = decider.decide(command, slot.state);
    if (isDomainError(decided)) {
      throw new Error(`${command.type} rejected: ${decided.code}: ${decided.message}`);
    }
    for (const event of decided) {
      slot.state = decider.evolve(slot.state, event);
      slot.version++;
    }
    this.states.set(streamId, slot);
    this.events.push(...decided);
    return decided;
  }

  /** The command, then the reactions to its events (and theirs), as the API runs them. */
  runWithReactions(command: DomainCommand): DomainEvent[] {
    const events = this.run(command);
    return [
      ...events,
      ...reactionsTo(events).flatMap((reaction) => this.runWithReactions(reaction)),
    ];
  }

  state<S>(streamId: string): S | undefined {
    return this.states.get(streamId)?.state as S | undefined;
  }

  version(streamId: string): number {
    return this.states.get(streamId)?.version ?? 0;
  }
}
