import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline, type Readable } from 'node:stream';

/** A file to hand to the browser: the body is sent whole or streamed. */
export interface Download {
  /** ASCII only: it goes into the Content-Disposition header as is. */
  filename: string;
  contentType: string;
  body: string | Readable;
}

const logger = new Logger('Exports');

/**
 * Sends a download. A stream is piped with backpressure; if it fails half-way the response
 * is destroyed, so the client sees a broken transfer rather than a silently truncated file.
 */
export function sendDownload(res: Response, download: Download): void {
  res.status(200);
  res.setHeader('Content-Type', download.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${download.filename}"`);
  // Personal data: no shared or browser cache keeps a copy.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (typeof download.body === 'string') {
    res.end(download.body);
    return;
  }
  pipeline(download.body, res, (error) => {
    // A client that hangs up mid-download is not our failure.
    if (error && error.code !== 'ERR_STREAM_PREMATURE_CLOSE')
      logger.error(`Export ${download.filename} failed: ${error.message}`);
  });
}
