// A job's name as lists show it: the file name its source ends in (an S3 key, a URL's path),
// decoded, or the whole address when it names no file.
export function sourceName(uri: string): string {
  let path = uri;
  try {
    path = new URL(uri).pathname;
  } catch {
    // a plain path
  }
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
