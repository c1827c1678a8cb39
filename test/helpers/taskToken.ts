// Task tokens as Step Functions issues them: base64 of an encrypted blob, about 1-2 KB (tests
// that used 40-character tokens could not see an 8 KB limit being reached).
import { randomBytes } from 'node:crypto';

export const realisticTaskToken = (): string => `AQCEAAAAKgAAAAMAAAAAAAAAA${randomBytes(1150).toString('base64')}`;
