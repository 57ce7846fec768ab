import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'rapport:public';
/** Marks a query that needs no token (health). Everything else requires one. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
