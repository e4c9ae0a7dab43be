// Writes the claim event contract as JSON Schema (draft 2020-12) for producers: schemas/claim-event.v<N>.schema.json.
// `npm run schemas` regenerates them; a unit test fails when the committed files drift from the zod schemas.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { claimEventSchemas } from '../functions/domain/claim-events.js';

export const jsonSchemaOf = (version: keyof typeof claimEventSchemas): string => {
  const schema = z.toJSONSchema(claimEventSchemas[version], { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const document = {
    $id: `https://github.com/claim-followup/claim-followup/schemas/claim-event.v${version}.schema.json`,
    title: `claim-followup claim event, schema version ${version}`,
    description:
      'One message on the ingest queue. Checks JSON Schema cannot express are also applied at the door: NPI check digit, CARC/RARC code lists, 277 category codes, remit balancing, line totals, real calendar dates.',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
};

export const schemaPath = (version: number): string => fileURLToPath(new URL(`../schemas/claim-event.v${version}.schema.json`, import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const version of Object.keys(claimEventSchemas).map(Number) as Array<keyof typeof claimEventSchemas>) {
    writeFileSync(schemaPath(version), jsonSchemaOf(version));
    console.log(`wrote ${schemaPath(version)}`);
  }
}
