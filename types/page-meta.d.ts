declare module '#app' {
  interface PageMeta {
    /** The permission a user needs for the page (middleware/auth.global.ts). */
    permission?: string
  }
}

export {}
