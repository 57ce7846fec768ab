import { type Command, type Decider, type Event } from '../shared/decider';
import { DomainError, type DomainErrorCode } from '../shared/domain-error';

/**
 * Given/when/then for deciders, in the spirit of Emmett's DeciderSpecification:
 *
 *   spec.given([ContactAdded]).when(ArchiveContact).then([ContactArchived])
 *   spec.given([]).when(ArchiveContact).thenError(DomainErrorCode.NOT_FOUND)
 *
 * Uses jest's global `expect`, so import it from specs only (index.ts does not export it).
 */
export function deciderSpec<C extends Command, E extends Event, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C) {
          const run = (): E[] | DomainError => {
            const state = events.reduce(
              (current, event) => decider.evolve(current, event),
              decider.initialState(),
            );
            return decider.decide(command, state);
          };
          return {
            /** Expects exactly these events, in order. */
            then(expected: readonly E[]): void {
              const result = run();
              if (result instanceof DomainError) {
                throw new Error(
                  `Expected events but the command was rejected: ${result.code}: ${result.message}`,
                );
              }
              expect(result).toEqual(expected);
            },
            /** Expects the command to be accepted without recording anything (idempotent). */
            thenNothing(): void {
              const result = run();
              if (result instanceof DomainError) {
                throw new Error(`Expected no events but got ${result.code}: ${result.message}`);
              }
              expect(result).toEqual([]);
            },
            /** Expects a rejection with this code (and, if given, field and message fragment). */
            thenError(code: DomainErrorCode, expected: { field?: string; message?: string } = {}) {
              const result = run();
              if (!(result instanceof DomainError)) {
                throw new Error(
                  `Expected ${code} but the command was accepted: ${JSON.stringify(result)}`,
                );
              }
              expect({ code: result.code, field: result.field }).toEqual({
                code,
                field: 'field' in expected ? expected.field : result.field,
              });
              if (expected.message !== undefined)
                expect(result.message).toContain(expected.message);
              return result;
            },
          };
        },
      };
    },
  };
}
