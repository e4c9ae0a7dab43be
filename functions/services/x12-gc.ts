// One V8 setting for the processes that read X12 files, set when this module loads, before any file is read: the
// ingest-x12-file Lambda (its handler imports it; so does the local runtime, which loads every handler), `npm run x12`
// and bench:x12's reader child.
//
// Reading a file allocates a great deal that dies young (segments, claim loops, events, report entries). V8's
// allocation-site pretenuring watches, at each young collection, how much of what an allocation site made is still
// alive, and past a ratio makes that site allocate straight into the old generation. A transaction's pending claims are
// all alive until its SE (or until they go to the temp file), so with a giant transaction V8 moved sites of the
// mappers to the old generation, and whatever their objects pointed to then outlived young collections: measured on
// bench:x12's 50 MB single-transaction 835, 357 MB copied to the old generation and 2.4 s with it, 55 MB and 1.9 s
// without (the 50 MB file of 8,800 transactions: no difference). Without it, objects reach the old generation only by
// surviving; nothing else changes.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
