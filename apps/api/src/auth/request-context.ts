import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { Actor } from './actor';

export interface RapportRequest extends Request {
  actor?: Actor;
  correlationId?: string;
  /** The GraphQL operation, once resolved (for the request's log line). */
  operationName?: string;
}

export function requestOf(graphqlContext: { req?: RapportRequest }): RapportRequest {
  if (!graphqlContext.req) throw new Error('GraphQL context has no request');
  return graphqlContext.req;
}

/** The request behind a GraphQL field or an HTTP route; null for other contexts. */
export function requestFrom(context: ExecutionContext): RapportRequest | null {
  switch (context.getType<string>()) {
    case 'graphql':
      return requestOf(GqlExecutionContext.create(context).getContext());
    case 'http':
      return context.switchToHttp().getRequest<RapportRequest>();
    default:
      return null;
  }
}
