import { Global, Module } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { AggregateStatesRepository } from './aggregate-states.repository';
import { CommandExecutor } from './command-executor';

@Global()
@Module({
  providers: [CommandExecutor, AggregateStatesRepository, AccessService],
  exports: [CommandExecutor, AggregateStatesRepository, AccessService],
})
export class WriteModule {}
