/**
 * "Add a price": the sidecar writes a stub for one model into the workspace's `.empathy/prices.yaml`
 * (creating it on this explicit click, never by default) and says where; the extension only opens
 * that file at that line, and only when it lies inside the workspace. Every rate is the user's to type.
 */
import { log } from './common/log';
import { openFileAt, type OpenResult } from './panel/openSource';
import type { Requester } from './sidecar/client';
import { Methods, type AddPriceParams } from '@protocol';

export interface PricesDeps {
  sidecar: Requester;
  ensureStarted(): void;
}

/** Longest model id the panel may send: ids are short, and this caps what reaches the sidecar. */
export const MAX_MODEL_ID = 256;

/** A model id fit to write into prices.yaml: 1..MAX_MODEL_ID characters, one line, no control characters. */
export function isModelId(v: unknown): v is string {
  // eslint-disable-next-line no-control-regex
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_MODEL_ID && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v);
}

/** Asks the sidecar for the stub of `model` (of `provider`, when known), then opens prices.yaml there. */
export async function addPrice(deps: PricesDeps, model: string, provider?: string): Promise<OpenResult> {
  deps.ensureStarted();
  const params: AddPriceParams = provider ? { model, provider } : { model };
  const res = await deps.sidecar.request(Methods.addPrice, params);
  log.info(`price stub for ${JSON.stringify(model)} at ${res.path}:${res.line}`);
  return openFileAt(res.path, res.line);
}
