import { Client, Connection } from '@temporalio/client';
import { AesGcmCodec, loadKeys } from '../worker/codec';
import { viewQuery, journeyQuery } from '../workflows/messages';
const dir = process.argv[2];
const codec = new AesGcmCodec(loadKeys(dir + '/codec-keys.json'));
const c = new Client({ connection: await Connection.connect({ address: '127.0.0.1:7433' }), dataConverter: { payloadCodecs: [codec] } });
for (let i = 0; i < 40; i++) {
  const id = `hwc-CH-${String(i).padStart(4, '0')}`;
  try { const v = await c.workflow.getHandle(id).query(viewQuery); if (!v.ended) { const t = await c.workflow.getHandle(id).query(journeyQuery); console.log(id, v.stage, v.accepted.join(','), v.pendingEffects, JSON.stringify(v.nextTimer), t.transitions.map(x=>x.event+'/'+x.by).join(' ')); } } catch (e) { console.log(id, (e as Error).message.slice(0, 300)); }
}
process.exit(0);
