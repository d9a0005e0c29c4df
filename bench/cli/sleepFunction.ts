/** A script job's function that takes 0.3 s and does nothing else: what is left of a child's time is overhead. */
export default async function sleepThenEcho(element: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return element;
}
