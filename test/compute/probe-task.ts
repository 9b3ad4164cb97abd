export function square(input: { x: number }): number {
  let s = 0;
  for (let i = 0; i < 1e8; i++) s += i % 3;
  return input.x * input.x + (s > 0 ? 0 : 1);
}
