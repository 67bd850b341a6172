import { stageOf } from '../../machines/step';
import { FIXTURES, applyMove, moves, startWorld, type World } from './world';
const key = (w: World) => { const c = w.state.snapshot.context; const cap=(n:number,m:number)=>Math.min(n,m); return JSON.stringify([stageOf(w.state.snapshot), c.outcome, c.reason, c.dmDecision, c.easementUsed, cap(c.doubts.length,2), c.doubts.at(-1)?.withdrawnAt===null, c.failure?.kind??null, cap(c.appointments.filter(a=>a.kind==='HWC').length,3), cap(c.markers.filter(m=>m.stage==='Def CC & HWC').length,2), c.wcaDate!==null, Object.keys(c.timers).sort(), c.escalations.length>0, w.error??null]); };
const t0 = Date.now();
let w = startWorld(FIXTURES[0]); let n=0; const tm = Date.now(); for (let i=0;i<200;i++){ moves(w); n++; } console.log('moves() ms', (Date.now()-tm)/n);
const seen = new Set<string>(); const q: World[] = [w]; let trans = 0;
while (q.length && seen.size < 3000) { const x = q.shift()!; const k = key(x); if (seen.has(k)) continue; seen.add(k); for (const m of moves(x)) { q.push(applyMove(x, m)); trans++; } }
console.log('states', seen.size, 'transitions', trans, 'queue', q.length, 'ms', Date.now()-t0);
