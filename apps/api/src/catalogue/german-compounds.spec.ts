import { compoundParts, splitCompound, vocabularyWords } from './german-compounds.js';

describe('German compounds', () => {
  const known = new Set(['sprache', 'erkennung', 'verkehr', 'prognose', 'dokument', 'klassifikation', 'bürger', 'anfragen']);

  it('splits compounds into words the catalogue uses', () => {
    expect(splitCompound('spracherkennung', known)).toEqual(['sprache', 'erkennung']);
    expect(splitCompound('verkehrsprognose', known)).toEqual(['verkehr', 'prognose']);
    expect(splitCompound('dokumentenklassifikation', known)).toEqual(['dokument', 'klassifikation']);
    expect(splitCompound('bürgeranfragen', known)).toEqual(['bürger', 'anfragen']);
  });

  it('leaves words alone that are not compounds of known words', () => {
    expect(splitCompound('chatbot', known)).toBeNull();
    expect(splitCompound('übersetzung', known)).toBeNull();
  });

  it('lists the candidate parts to look up in one query', () => {
    expect(compoundParts(['spracherkennung'])).toEqual(expect.arrayContaining(['sprache', 'erkennung', 'sprach']));
  });

  it('reads words with umlauts and ß', () => {
    expect(vocabularyWords('Meldung von Straßenschäden, Bußgeld & KI')).toEqual(['meldung', 'von', 'straßenschäden', 'bußgeld']);
  });
});
