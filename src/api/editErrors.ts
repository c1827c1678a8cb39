// An edit's refusals in API words, the same on serve and on AWS: a clip that does not exist is
// 404, a bad edit 400, a clip already being re-rendered 409.
import { InputError } from '../core/errors.ts';
import { EditBusy } from '../editing/editClip.ts';
import { NoSuchClip } from '../editing/editPlan.ts';
import { ApiError } from './apiError.ts';

export function editApiError(err: unknown): unknown {
  if (err instanceof NoSuchClip) return new ApiError(404, err.message);
  if (err instanceof InputError) return new ApiError(400, err.message);
  if (err instanceof EditBusy) return new ApiError(409, err.message);
  return err;
}
