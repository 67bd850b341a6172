// The bench worker's window into its own threads, through the inspector: the SDK runs workflows in
// worker threads (one per Worker), which `process.memoryUsage()` and `--cpu-prof` cannot tell apart by
// variant. The main thread is reached with a Session, each worker thread through `NodeWorker` messages.
import { Session } from 'node:inspector/promises';

interface Thread {
  sessionId: string;
  /** Node's thread id (creation order), from the title "[worker N] …". */
  threadId: number;
  url: string;
}

type Reply = { result?: Record<string, unknown>; error?: { message: string } };

export class ThreadInspector {
  private session = new Session();
  private threads: Thread[] = [];
  private pending = new Map<number, (m: Reply) => void>();
  private next = 1;

  async open() {
    this.session.connect();
    this.session.on('NodeWorker.attachedToWorker', (m) =>
      this.threads.push({
        sessionId: m.params.sessionId,
        threadId: Number(/\d+/.exec(m.params.workerInfo.title)?.[0] ?? 0),
        url: m.params.workerInfo.url,
      }),
    );
    this.session.on('NodeWorker.receivedMessageFromWorker', (m) => {
      const msg = JSON.parse(m.params.message) as Reply & { id?: number };
      if (msg.id !== undefined) this.pending.get(msg.id)?.(msg);
    });
    await this.session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  }

  /** The SDK's workflow threads, in creation order (so in the order their Workers were created). */
  workflowThreads(): Thread[] {
    return this.threads.filter((t) => /workflow/.test(t.url)).sort((a, b) => a.threadId - b.threadId);
  }

  async post(thread: Thread | 'main', method: string, params: Record<string, unknown> = {}) {
    if (thread === 'main') return (await this.session.post(method as 'Runtime.getHeapUsage', params)) as never;
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, resolve);
      setTimeout(() => reject(new Error(`inspector: no answer to ${method} in 60 s`)), 60_000).unref();
      void this.session.post('NodeWorker.sendMessageToWorker', {
        sessionId: thread.sessionId,
        message: JSON.stringify({ id, method, params }),
      });
    });
    this.pending.delete(id);
    if (reply.error) throw new Error(`inspector: ${method}: ${reply.error.message}`);
    return reply.result as never;
  }

  /** Live heap after a full GC. */
  async liveHeap(thread: Thread | 'main'): Promise<{ usedBytes: number; totalBytes: number }> {
    await this.post(thread, 'HeapProfiler.collectGarbage');
    const r = (await this.post(thread, 'Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    return { usedBytes: r.usedSize, totalBytes: r.totalSize };
  }

  async startProfiling(thread: Thread | 'main', intervalUs = 1000) {
    await this.post(thread, 'Profiler.enable');
    await this.post(thread, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await this.post(thread, 'Profiler.start');
  }

  /** The V8 CPU profile (the `.cpuprofile` format) since `startProfiling`. */
  async stopProfiling(thread: Thread | 'main'): Promise<unknown> {
    const r = (await this.post(thread, 'Profiler.stop')) as { profile: unknown };
    await this.post(thread, 'Profiler.disable');
    return r.profile;
  }
}
