// A fixed centre crop: the FaceTracker where no face tracker is installed, with the reason kept.
import type { FaceTracker } from '../../core/ports.ts';
import type { TrackedPath } from '../../core/schemas.ts';
import { centreCrop } from '../../media/cropGeometry.ts';

export class CentreTracker implements FaceTracker {
  readonly name = 'centre';
  constructor(private readonly reason: string | null = null) {}
  async track(_video: string, _range: { start: number; end: number }, frame: { width: number; height: number }, aspect?: number): Promise<TrackedPath> {
    return centreCrop(frame, this.reason, aspect);
  }
}
