import { Module } from '@nestjs/common';
import { AdvisorNoteResolver } from './advisor-note.resolver';
import { AdvisorNoteService } from './advisor-note.service';

@Module({ providers: [AdvisorNoteResolver, AdvisorNoteService], exports: [AdvisorNoteService] })
export class AdvisorNoteModule {}
