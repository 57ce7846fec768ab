import { Global, Module } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AggregateStatesRepository } from './aggregate-states.repository';
import { CommandExecutor } from './command-executor';
import { StateCache } from './state-cache';

@Global()
@Module({
  providers: [CommandExecutor, AggregateStatesRepository, AccessService, StateCache],
  exports: [CommandExecutor, AggregateStatesRepository, AccessService, StateCache],
})
export class WriteModule {}
