export * from './moto.ts'
export * from './process.ts'
export * from './run-bundle.ts'
