import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config/env'

describe('auth configuration', () => {
  it('starts its own Auth emulator when nothing is configured outside production', () => {
    expect(loadConfig({}).auth).toMatchObject({ mode: 'emulator', projectId: 'demo-plant-telemetry', port: 9099 })
    expect(loadConfig({ NODE_ENV: 'development' }).auth).not.toHaveProperty('host')
  })

  it('uses an external emulator or a real project when configured', () => {
    expect(loadConfig({ FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9199' }).auth).toMatchObject({ mode: 'emulator', host: '127.0.0.1:9199' })
    const real = loadConfig({ NODE_ENV: 'production', FIREBASE_PROJECT_ID: 'acme-plant', FIREBASE_API_KEY: 'k', ADMIN_EMAILS: ' Ops@Acme.com, ,b@acme.com' }).auth
    expect(real).toMatchObject({ mode: 'firebase', projectId: 'acme-plant', apiKey: 'k', adminEmails: ['ops@acme.com', 'b@acme.com'] })
  })

  it('refuses the emulator in production, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', FIREBASE_PROJECT_ID: 'p', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' })).toThrow(/FIREBASE_AUTH_EMULATOR_HOST.*refused in production/)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/FIREBASE_PROJECT_ID is required/)
  })

  it('reads the HTTP limits and CORS origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', RATE_LIMIT_WRITES_PER_MIN: '10' }).http)
      .toEqual({ corsOrigins: ['https://a.example', 'https://b.example'], writesPerMinute: 10, authFailuresPerMinute: 30 })
    expect(() => loadConfig({ RATE_LIMIT_WRITES_PER_MIN: '0' })).toThrow(/RATE_LIMIT_WRITES_PER_MIN/)
  })
})
