// The Logger port on Powertools' logger, for the Lambda handlers and the Fargate task entry.
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '../core/ports.ts';

export function portLogger(logger: PowertoolsLogger): Logger {
  return { info: (m, f) => logger.info(m, { ...f }), warn: (m, f) => logger.warn(m, { ...f }) };
}
