// The FaceTracker used until a real one is plugged in: a fixed centre crop.
import type { FaceTracker } from '../../core/ports.ts';
import type { CropPath } from '../../core/schemas.ts';
import { centreCrop } from '../../media/cropGeometry.ts';

export class CentreTracker implements FaceTracker {
  readonly name = 'centre';
  async track(_video: string, _range: { start: number; end: number }, frame: { width: number; height: number }): Promise<CropPath> {
    return centreCrop(frame);
  }
}
