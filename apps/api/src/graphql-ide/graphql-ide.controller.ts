import { Controller, Get, Param, Res } from '@nestjs/common';
import { getDistDirectory, renderAltair } from 'altair-static';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';

const BASE = '/altair/';

/**
 * Development only: the Altair GraphQL client, served from node_modules so it works offline
 * (no CDN). Not mounted when NODE_ENV=production.
 */
@Public()
@Controller('altair')
export class GraphqlIdeController {
  private readonly page = renderAltair({
    baseURL: BASE,
    endpointURL: '/graphql',
    initialName: 'Rapport',
    initialHeaders: { Authorization: 'Bearer <paste a token from the start-up banner>' },
  });

  @Get()
  index(@Res() response: Response): void {
    response.type('html').send(this.page);
  }

  @Get('*asset')
  asset(@Param('asset') asset: string[] | string, @Res() response: Response): void {
    const path = Array.isArray(asset) ? asset.join('/') : asset;
    // `root` confines the lookup to Altair's build; `send` refuses `..` and dotfiles.
    response.sendFile(path, { root: getDistDirectory(), dotfiles: 'deny' }, (error) => {
      if (error && !response.headersSent)
        response.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such file' } });
    });
  }
}
