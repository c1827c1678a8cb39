// Facts of S3 the AWS runtime and the stack both follow.

/** S3 takes at most 5 GiB in one PUT (a presigned upload is one PUT). */
export const S3_SINGLE_PUT_MAX_BYTES = 5 * 1024 ** 3;

/**
 * Where users drop videos into the uploads bucket to start a job (`aws s3 cp talk.mp4
 * s3://<UploadsBucket>/inbox/`), and any size S3 takes. Only these keys notify the intake queue:
 * the API's own uploads (under uploads/, started by POST /jobs) and caption files never become
 * jobs of their own.
 */
export const INBOX_PREFIX = 'inbox/';
/** S3 suffix filters match case-sensitively: both spellings cameras and phones write. */
export const INBOX_VIDEO_SUFFIXES = ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'mts', 'ts'].flatMap((e) => [`.${e}`, `.${e.toUpperCase()}`]);

/**
 * Days a finished job is kept on AWS: its record (the jobs table's TTL, from when it ended) and its
 * clips (the outputs bucket's lifecycle rule on jobs/, from when they were written).
 */
export const JOB_KEEP_DAYS = 90;
