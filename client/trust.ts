// Telling running journeys about a new identity key: each journey keeps the keys it trusts in its own state
// (its input, then `trust` Updates), so a journey that runs for weeks must be told when the deployment's key
// changes. The change is signed by a key the journey already trusts (the one being replaced); the journey's
// validator checks that signature, that the change names this journey, is fresh and was not used before.
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { TrustedKey } from '../identity/proof';
import { signTrustChange, type IssuerKey } from '../identity/signer';
import { trustUpdate } from '../workflows/messages';

/** FAILED_PRECONDITION "Workflow Task in failed state": the Update may be sent again shortly. */
const taskFailed = (e: unknown) => e instanceof ServiceError && (e.cause as { code?: number } | undefined)?.code === 9; // gRPC FAILED_PRECONDITION

/** Every running journey: the visibility query of `temporal workflow list --query`. */
export const RUNNING_JOURNEYS = `WorkflowType = "hwcJourney" AND ExecutionStatus = "Running"`;

export interface TrustPushResult {
  updated: string[];
  /** Ended between the listing and the Update: nothing to tell. */
  ended: string[];
  refused: { workflowId: string; reason: string }[];
}

/**
 * Sends one signed `trust` Update (add `add`, retire `retire`) to every running journey. `signers` are tried in
 * order: a journey that does not trust the first (it started before an earlier rotation reached it) may trust
 * another.
 */
export async function pushTrust(
  client: Client,
  o: { signers: IssuerKey[]; add: TrustedKey[]; retire: string[]; concurrency?: number; nowMs?: () => number },
): Promise<TrustPushResult> {
  const result: TrustPushResult = { updated: [], ended: [], refused: [] };
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query: RUNNING_JOURNEYS })) ids.push(w.workflowId);
  const busyTries = new Map<string, number>();
  const tell = async (workflowId: string) => {
    const handle = client.workflow.getHandle(workflowId);
    let reason = 'no signing key';
    for (let i = 0; i < o.signers.length; i++) {
      const signer = o.signers[i];
      const change = signTrustChange(signer, workflowId, { add: o.add, retire: o.retire }, { nowMs: o.nowMs?.() });
      try {
        await handle.executeUpdate(trustUpdate, { args: [change], updateId: `trust-${change.nonce}` });
        result.updated.push(workflowId);
        return;
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) return void result.ended.push(workflowId);
        // The journey's last workflow task failed or timed out (a busy worker) and waits for its retry: the
        // server takes no Update until then. Sent again (freshly signed), for up to about a minute.
        if (taskFailed(e) && (busyTries.get(workflowId) ?? 0) < 30) {
          busyTries.set(workflowId, (busyTries.get(workflowId) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 2000));
          i--;
          continue;
        }
        if (!(e instanceof WorkflowUpdateFailedError)) throw e;
        reason = e.cause?.message ?? e.message;
        // Another signer only helps when this one is not trusted; any other refusal is the journey's answer.
        if (!/trust\.kid: key .* (is not trusted|was retired)/.test(reason)) break;
      }
    }
    result.refused.push({ workflowId, reason });
  };
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency ?? 8, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await tell(id);
    }),
  );
  result.updated.sort();
  return result;
}
