import { SqlParams, filterConditions, highlightHtml, htmlEscapedSql, queryWords, tsQueryText, whereAll } from './search-query.js';

describe('search query parsing', () => {
  it('keeps only words, so tsquery operators never reach PostgreSQL', () => {
    expect(queryWords(`Über&setzung | !chat:* ('bot') \\`)).toEqual(['über', 'setzung', 'chat', 'bot']);
  });

  it('refuses queries without words, too long or with too many words', () => {
    expect(() => queryWords('&|!:*()')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => queryWords('   ')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => queryWords('a'.repeat(10_000))).toThrow(expect.objectContaining({ fields: [{ field: 'query', message: 'must be at most 500 characters' }] }));
    expect(() => queryWords('a b c d e f g h i j k l m')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(queryWords(null)).toBeNull();
  });

  it('matches words as prefixes and compounds also by their parts', () => {
    expect(tsQueryText(['spracherkennung', 'bund'], new Map([['spracherkennung', ['sprache', 'erkennung']]]))).toBe(
      `('spracherkennung':* | ('sprache':* & 'erkennung':*)) & 'bund':*`,
    );
    expect(tsQueryText(['chatbot'], new Map(), 'AB')).toBe(`'chatbot':*AB`);
  });

  it('adds the umlaut spelling of a word typed without umlauts or ß', () => {
    expect(tsQueryText(['strassenschaeden'], new Map())).toBe(`('strassenschaeden':* | 'straßenschäden':*)`);
    expect(tsQueryText(['uebersetzung'], new Map(), 'AB')).toBe(`('uebersetzung':*AB | 'übersetzung':*AB)`);
    expect(tsQueryText(['straßenschäden', 'bund'], new Map())).toBe(`'straßenschäden':* & 'bund':*`);
  });

  it('builds one condition per filter field with parameters only', () => {
    const params = new SqlParams();
    const conditions = filterConditions({ lifecycle: ['PILOT'] as never, policyArea: ['HEALTH'] as never, hasSourceCode: true }, params);
    expect(whereAll(conditions)).toBe('s.lifecycle = ANY($1::text[]) AND s.policy_areas && $2::text[] AND s.has_source_code = $3');
    expect(whereAll(conditions, 'lifecycle')).toBe('s.policy_areas && $2::text[] AND s.has_source_code = $3');
    expect(params.values).toEqual([['PILOT'], ['HEALTH'], true]);
  });

  it('escapes texts in SQL before ts_headline and marks matches after', () => {
    expect(htmlEscapedSql('t')).toBe(`replace(replace(replace(replace(replace(replace(t, chr(1), ''), chr(2), ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`);
    expect(highlightHtml('A &lt;script&gt; \u0001Übersetzung\u0002 &amp; mehr')).toBe('A &lt;script&gt; <mark>Übersetzung</mark> &amp; mehr');
  });
});
