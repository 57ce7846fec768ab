import { Resolver } from '@nestjs/graphql';

@Resolver()
export class CohortResolver {}
