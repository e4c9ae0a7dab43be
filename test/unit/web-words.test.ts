// The web app keeps its own copy of the queue names (importing the domain's would bring zod into the page's bundle):
// the copy must say exactly what the emails and the API say.
import { describe, expect, it } from 'vitest';
import { queueTitles } from '../../functions/domain/tenant-settings.js';
import { queueTitles as webQueueTitles } from '../../web/src/words.js';

describe('the web app\'s words', () => {
  it('names every queue as the domain does', () => {
    expect(webQueueTitles).toEqual(queueTitles);
  });
});
