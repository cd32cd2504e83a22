/** Forgets the admission cookie set by <antichambre-queue> (same name and path), once the seat is released. */
export function clearAdmissionCookie(name: string, doc: Document = document): void {
  doc.cookie = `${name}=; Path=/; SameSite=Lax; Max-Age=0`;
}
