export * from './ai-system-content.js';
export * from './catalogue-enums.js';
