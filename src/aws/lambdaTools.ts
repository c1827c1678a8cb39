// What every Lambda handler starts with, made one way: a Powertools logger (and the Logger port on
// it), a Powertools tracer whose AWS SDK clients record X-Ray subsegments, and `traced`, which
// runs one invocation in a subsegment annotated with the cold start and the service. Outside
// Lambda (tests, `serve`) the tracer is off and these cost nothing.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Logger } from '../core/ports.ts';
import { portLogger } from './portLogger.ts';

export interface LambdaTools {
  logger: PowertoolsLogger;
  tracer: Tracer;
  /** The Logger port, for code that takes one. */
  log: Logger;
  /** An AWS SDK v3 client whose calls appear in the trace. */
  capture<T>(client: T): T;
  /** A handler whose every invocation is a subsegment, with its error recorded. */
  traced<A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
}

export function lambdaTools(serviceName: string): LambdaTools {
  const logger = new PowertoolsLogger({ serviceName });
  const tracer = new Tracer({ serviceName });
  return {
    logger,
    tracer,
    log: portLogger(logger),
    capture: <T>(client: T) => tracer.captureAWSv3Client(client),
    traced:
      <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const parent = tracer.getSegment();
        const segment = parent?.addNewSubsegment(`## ${name}`);
        if (segment) tracer.setSegment(segment);
        tracer.annotateColdStart();
        tracer.addServiceNameAnnotation();
        try {
          return await fn(...args);
        } catch (err) {
          segment?.addError(err as Error);
          throw err;
        } finally {
          segment?.close();
          if (parent) tracer.setSegment(parent);
        }
      },
  };
}
