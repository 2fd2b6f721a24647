// s3rver ships no types; this is the part the tests use (its README, "Usage").
declare module 's3rver' {
  interface S3rverOptions {
    port?: number
    address?: string
    silent?: boolean
    directory?: string
    configureBuckets?: { name: string, configs: (string | Buffer)[] }[]
  }
  export default class S3rver {
    constructor(options: S3rverOptions)
    run(): Promise<{ address: string, port: number }>
    close(): Promise<void>
  }
}
