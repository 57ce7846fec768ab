import { Module } from '@nestjs/common';
import { AdvisorNoteResolver } from './advisor-note.resolver';

@Module({ providers: [AdvisorNoteResolver] })
export class AdvisorNoteModule {}
