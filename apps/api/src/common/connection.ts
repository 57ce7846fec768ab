import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { DomainError } from '@rapport/domain';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** A Relay connection type for `T` (`<T>Connection` with `<T>Edge`s). */
export function Connection<T>(node: Type<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType({ isAbstract: true })
  abstract class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionType;
}

export const MAX_PAGE_SIZE = 100;

/** `first`/`after` of every list that can grow without bound. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `At most ${MAX_PAGE_SIZE}; 20 when left out` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  after?: string;
}

/** Cursors are opaque to clients: base64url of the sort key. */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The shape of one list's cursor key: a decoded cursor is used only once it has it. */
export interface CursorKind<K> {
  is(value: unknown): value is K;
}

/** A cursor on a list ordered by an id (or another single string key). */
export const ID_CURSOR: CursorKind<{ id: string }> = {
  is: (value): value is { id: string } =>
    hasOnlyKeys(value, ['id']) && typeof value.id === 'string' && value.id.length > 0,
};

/** The key of a page's last item, or null for the first page; a forged cursor is bad input. */
export function decodeCursor<K>(cursor: string | null | undefined, kind: CursorKind<K>): K | null {
  if (!cursor) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!kind.is(key))
    throw DomainError.validation('The cursor is not one this API gave out', 'after');
  return key;
}

/** A plain JSON object with exactly these keys (cursors carry nothing else). */
export function hasOnlyKeys<F extends string>(
  value: unknown,
  fields: readonly F[],
): value is Record<F, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === fields.length && fields.every((f) => keys.includes(f));
}

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw DomainError.validation(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}

/**
 * A page of a list held in memory (sorted and filtered there): the items after the one the
 * cursor names. A cursor naming no item of the list (it left, or never was) is bad input, so a
 * client paging through never starts over without knowing.
 */
export function pageInMemory<T>(
  items: readonly T[],
  page: { first?: number | null; after?: string | null },
  idOf: (item: T) => string,
): ConnectionShape<T> {
  const size = pageSize(page.first);
  const after = decodeCursor(page.after, ID_CURSOR);
  let start = 0;
  if (after) {
    start = items.findIndex((item) => idOf(item) === after.id) + 1;
    if (start === 0)
      throw DomainError.validation(
        'The cursor names an item no longer in this list; start again without after',
        'after',
      );
  }
  return toConnection(
    items.slice(start, start + size + 1),
    size,
    items.length,
    (item) => ({
      id: idOf(item),
    }),
    start > 0,
  );
}

/** Builds a page from items fetched with one extra row (the extra row says there is a next page). */
export function toConnection<T>(
  rows: T[],
  size: number,
  totalCount: number,
  keyOf: (item: T) => unknown,
  hasPrevious: boolean,
): ConnectionShape<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * One page for each student from rows fetched for all of them in one read (up to `size + 1` rows
 * each, id order), keyed by the node's id.
 */
export function pagesPerStudent<R extends { studentId: string }, T extends { id: string }>(
  studentIds: readonly string[],
  fetched: { rows: readonly R[]; totals: ReadonlyMap<string, number> },
  size: number,
  hasPrevious: boolean,
  toNode: (row: R) => T,
): Map<string, ConnectionShape<T>> {
  return new Map(
    studentIds.map((studentId) => [
      studentId,
      toConnection(
        fetched.rows.filter((r) => r.studentId === studentId).map(toNode),
        size,
        fetched.totals.get(studentId) ?? 0,
        (node) => ({ id: node.id }),
        hasPrevious,
      ),
    ]),
  );
}
