// The embedded default follows faces when the MediaPipe environment is installed, and says so
// clearly (once per job, and in each clip's crop.fallback) when it is not.
import { CentreTracker } from '../../adapters/face/centreTracker.ts';
import { MediapipeTracker, mediapipeAvailable } from '../../adapters/face/mediapipeTracker.ts';
import type { FaceTracker, Logger } from '../../core/ports.ts';

export const TRACKER_MISSING = 'face tracking is not installed (run "bash scripts/setup.sh"); centre crop used';

export async function chooseTracker(log: Logger): Promise<FaceTracker> {
  if (await mediapipeAvailable()) return new MediapipeTracker();
  log.warn(TRACKER_MISSING);
  return new CentreTracker(TRACKER_MISSING);
}
