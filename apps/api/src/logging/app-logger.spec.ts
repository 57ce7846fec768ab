import { Writable } from 'node:stream';
import { AppLogger, createLogger, withoutAddresses } from './app-logger';

describe('AppLogger', () => {
  it('writes no email address, from a message or a stack, at any level', () => {
    let text = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = new AppLogger(createLogger({ level: 'trace', destination }));
    const error = new Error('550 5.1.1 <Maria.Lopez@students.example.edu>: User unknown');
    logger.error(error.message, error.stack, 'Test');
    logger.warn('invalid input syntax for type uuid: "maria.lopez@students.example.edu"');
    logger.log('sent to a.b-c+tag@sub.example.co.uk');
    logger.debug('(dana@hospital.test)');
    logger.verbose('x,dana@hospital.test;');
    expect(text.toLowerCase()).not.toContain('@');
    expect(text.match(/<address>/g)).toHaveLength(6);
  });

  it('keeps everything that is not an address', () => {
    expect(withoutAddresses('digest 3f2a-… after attempt 2: recipient-rejected (550 5.1.1)')).toBe(
      'digest 3f2a-… after attempt 2: recipient-rejected (550 5.1.1)',
    );
    expect(withoutAddresses('@mention and a@b and x@y.z9')).toBe('@mention and a@b and x@y.z9');
  });
});
