export enum GovernmentLevel {
  BUND = 'BUND',
  LAND = 'LAND',
  KOMMUNE = 'KOMMUNE',
  OTHER = 'OTHER',
}

/** The 16 Länder by their ISO 3166-2:DE subdivision code. */
export enum Bundesland {
  BW = 'BW',
  BY = 'BY',
  BE = 'BE',
  BB = 'BB',
  HB = 'HB',
  HH = 'HH',
  HE = 'HE',
  MV = 'MV',
  NI = 'NI',
  NW = 'NW',
  RP = 'RP',
  SL = 'SL',
  SN = 'SN',
  ST = 'ST',
  SH = 'SH',
  TH = 'TH',
}
