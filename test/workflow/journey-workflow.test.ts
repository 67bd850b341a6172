// The journey workflow's message handling on the time-skipping server: people's events are signed Updates
// (rejections leave nothing in history and carry only the reason), Signals change nothing, a flood of them
// is carried into a fresh run, and the trusted keys rotate by a signed Update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { signTrustChange } from '../../identity/signer';
import { eventSignal, eventUpdate, journeyQuery, trustUpdate, viewQuery } from '../../workflows/messages';
import {
  START,
  coach,
  signerAt,
  startJourneyAt,
  startWorker,
  testIdentity,
  timeSkippingEnv,
} from '../helpers/temporal';
import { executeEvent } from '../../client/journeys';

let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof startWorker>>;
beforeAll(async () => {
  env = await timeSkippingEnv();
  w = await startWorker(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

async function rejection(p: Promise<unknown>): Promise<{ message: string; stack: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (e as WorkflowUpdateFailedError).cause as (Error & { stack?: string }) | undefined;
  return { message: cause?.message ?? '', stack: cause?.stack ?? '' };
}

const acceptedUpdates = async (handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> }) =>
  ((await handle.fetchHistory()).events ?? []).filter(
    (e) =>
      (e as { workflowExecutionUpdateAcceptedEventAttributes?: unknown })
        .workflowExecutionUpdateAcceptedEventAttributes,
  ).length;

describe('journey workflow', () => {
  it('refuses unsigned and invalid events with the reason only, and records none of them in history', async () => {
    const { handle } = await startJourneyAt(env, w.taskQueue, 'C-2001');
    const now = async () => env.currentTimeMs();
    const raw = (ev: Record<string, unknown>) => handle.executeUpdate(eventUpdate, { args: [ev as never] });
    const signed = async (ev: Record<string, unknown> & { type: string }) =>
      raw(testIdentity.sign(handle.workflowId, ev, { nowMs: await now() }));

    const unsigned = await rejection(raw({ type: 'BOOKING_CALL', contacted: true, by: coach }));
    const wrongRole = await rejection(
      signed({ type: 'BOOKING_CALL', contacted: true, by: { staffId: 'DM-1', role: 'decision_maker' } }),
    );
    const badPayload = await rejection(signed({ type: 'BOOKING_CALL', contacted: 'yes', by: coach }));
    const notNow = await rejection(signed({ type: 'ATTENDED', by: coach }));
    const unknown = await rejection(raw({ type: 'TEA_BREAK\u202e', by: coach }));

    expect(unsigned.message).toMatch(/^BOOKING_CALL\.proof: missing; every event must be signed/);
    expect(wrongRole.message).toMatch(/decision_maker may not record BOOKING_CALL; needs sds or work_coach/);
    expect(badPayload.message).toMatch(/BOOKING_CALL: contacted:/);
    expect(notNow.message).toMatch(
      /ATTENDED is not accepted in state awaitingBookingCall; accepted now: .*BOOKING_CALL/,
    );
    expect(unknown.message).toMatch(/^type: not a known event type; known types: /);
    for (const r of [unsigned, wrongRole, badPayload, notNow, unknown]) {
      expect(r.stack).not.toMatch(/\.ts:\d+|\.js:\d+|workflows\//); // no stack trace or file path of the worker
    }
    // (The Java time-skipping server records a workflow task for each refused Update; the dev server records
    // nothing at all, which test/e2e/red-team.test.ts checks by history length.)
    const history = await handle.fetchHistory();
    expect(await acceptedUpdates(handle)).toBe(0);
    expect(JSON.stringify(history)).not.toContain('TEA_BREAK');
    expect((await handle.query(viewQuery)).stage).toBe('awaitingBookingCall');

    const accepted = await executeEvent(
      handle,
      { type: 'BOOKING_CALL', contacted: true, by: coach, at: START },
      signerAt(env),
    );
    expect(accepted.stage).toBe('awaitingPreCallTime');
    expect(await acceptedUpdates(handle)).toBe(1);
    await handle.terminate('test finished'); // a waiting journey with no worker would stop time skipping
  });

  it('refuses a signed event replayed (same proof twice) and a proof from an untrusted issuer', async () => {
    const { handle } = await startJourneyAt(env, w.taskQueue, 'C-2003');
    const event = testIdentity.sign(
      handle.workflowId,
      { type: 'BOOKING_CALL', contacted: false, by: coach, at: START },
      { nowMs: await env.currentTimeMs() },
    );
    await handle.executeUpdate(eventUpdate, { args: [event] });
    const again = await rejection(handle.executeUpdate(eventUpdate, { args: [event] }));
    expect(again.message).toMatch(/proof\.nonce: this signed event was already used/);
    const rogue = ephemeralIssuer().sign(
      handle.workflowId,
      { type: 'CLAIM_CLOSED', by: coach },
      { nowMs: await env.currentTimeMs() },
    );
    expect((await rejection(handle.executeUpdate(eventUpdate, { args: [rogue] }))).message).toMatch(/is not trusted/);
    expect(await acceptedUpdates(handle)).toBe(1);
    expect((await handle.query(journeyQuery)).outcome).toBeNull();
    await handle.terminate('test finished');
  });

  it('ignores Signals, even well-formed and signed ones: nothing changes', async () => {
    const { handle } = await startJourneyAt(env, w.taskQueue, 'C-2002');
    const signed = testIdentity.sign(
      handle.workflowId,
      { type: 'CLAIM_CLOSED', by: coach },
      { nowMs: await env.currentTimeMs() },
    );

    await handle.signal(eventSignal, { type: 'BOOKING_CALL', contacted: false, by: coach });
    await handle.signal(eventSignal, signed as never);
    await handle.signal('junk', { type: 'EXEMPTION_IDENTIFIED', category: 'TERMINAL_ILLNESS' });

    const trace = await handle.query(journeyQuery);
    expect(trace.stage).toBe('awaitingBookingCall');
    expect(trace.transitions.map((t) => t.event)).toEqual(['START']);
    await handle.terminate('test finished');
  });

  it('survives a flood of junk Signals by continuing as new, keeping its state and refusing replays', async () => {
    const { handle } = await startJourneyAt(env, w.taskQueue, 'C-2004', undefined, { maxHistoryEvents: 120 });
    const booking = testIdentity.sign(
      handle.workflowId,
      { type: 'BOOKING_CALL', contacted: true, by: coach, at: START },
      { nowMs: await env.currentTimeMs() },
    );
    await handle.executeUpdate(eventUpdate, { args: [booking] });
    const firstRun = (await handle.describe()).runId;
    // Signals are recorded whatever the journey does with them; the server batches several into one
    // workflow task, so how many it takes to pass 120 events varies: send until the run changes (bounded).
    const next = env.client.workflow.getHandle(handle.workflowId);
    const continued = async () => (await next.describe()).runId !== firstRun;
    for (let i = 0; i < 400 && !(await continued()); i++) await handle.signal('junk', { n: i });
    await until(continued);
    const trace = await next.query(journeyQuery);
    expect(trace.stage).toBe('awaitingPreCallTime');
    expect(trace.transitions.map((t) => t.event)).toEqual(['START', 'BOOKING_CALL']);
    expect(trace.appointments.filter((a) => a.kind === 'HWC')).toHaveLength(1); // nothing booked twice
    expect((await env.client.workflow.getHandle(handle.workflowId, firstRun).describe()).status.name).toBe(
      'CONTINUED_AS_NEW',
    );
    // The new run remembers the proofs already used.
    const replayed = await rejection(next.executeUpdate(eventUpdate, { args: [booking] }));
    expect(replayed.message).toMatch(/already used|not accepted/);
    await next.terminate('test finished');
  });

  it('rotates its trusted keys by a signed trust Update; an unsigned or foreign one is refused', async () => {
    const { handle } = await startJourneyAt(env, w.taskQueue, 'C-2005');
    const nextIssuer = ephemeralIssuer();
    const nowMs = await env.currentTimeMs();
    const forged = signTrustChange(nextIssuer.issuer, handle.workflowId, { add: nextIssuer.trust }, { nowMs });
    expect((await rejection(handle.executeUpdate(trustUpdate, { args: [forged] }))).message).toMatch(/is not trusted/);

    const change = signTrustChange(
      testIdentity.issuer,
      handle.workflowId,
      { add: nextIssuer.trust, retire: [testIdentity.issuer.kid] },
      { nowMs },
    );
    expect(await handle.executeUpdate(trustUpdate, { args: [change] })).toEqual({ trusted: [nextIssuer.issuer.kid] });
    const old = testIdentity.sign(handle.workflowId, { type: 'BOOKING_CALL', contacted: false, by: coach }, { nowMs });
    expect((await rejection(handle.executeUpdate(eventUpdate, { args: [old] }))).message).toMatch(/not trusted/);
    const fresh = nextIssuer.sign(handle.workflowId, { type: 'BOOKING_CALL', contacted: false, by: coach }, { nowMs });
    expect((await handle.executeUpdate(eventUpdate, { args: [fresh] })).stage).not.toBe('awaitingBookingCall');
    await handle.terminate('test finished');
  });
});

async function until(ok: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}
