/** Polls `probe` every `every` ms until it returns true; fails after `ms`. */
export async function eventually(probe: () => boolean | Promise<boolean>, ms = 20_000, every = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
