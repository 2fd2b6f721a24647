/** How an entry names a person: `email (firebase uid)`; the email is readable, the uid never reused. */
export function actorOf(who: { uid: string, email: string }): string {
  return `${who.email} (${who.uid})`
}
