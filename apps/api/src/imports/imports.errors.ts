import { HttpException, HttpStatus } from '@nestjs/common';

/** Why a whole roster file was refused; row problems are reported in the answer instead. */
export enum ImportErrorCode {
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooLarge = 'PAYLOAD_TOO_LARGE',
  EmptyFile = 'EMPTY_FILE',
  BadHeader = 'BAD_HEADER',
  MalformedCsv = 'MALFORMED_CSV',
}

const STATUS: Record<ImportErrorCode, HttpStatus> = {
  [ImportErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ImportErrorCode.TooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ImportErrorCode.EmptyFile]: HttpStatus.BAD_REQUEST,
  [ImportErrorCode.BadHeader]: HttpStatus.BAD_REQUEST,
  [ImportErrorCode.MalformedCsv]: HttpStatus.BAD_REQUEST,
};

/**
 * The one place import refusals get their status; the HTTP error filter sends the body as is,
 * shaped like every other HTTP error: `{ error: { code, message, ... } }`.
 */
export class ImportError extends HttpException {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super({ error: { code, message, ...details } }, STATUS[code]);
  }
}
