export * from './factories.js';
export * from './test-app.js';
export * from './test-database.js';
export * from './catalogue-fixtures.js';
export * from './catalogue-entries.js';
export * from './waiting.js';
export * from './mail-sink.js';
