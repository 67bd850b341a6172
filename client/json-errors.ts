// Error messages of JSON.parse without the input they quote: the input may be a claimant's record.
/** A JSON.parse message without the input it quotes (`, "Janet Okon"... is not valid JSON`), printable. */
export function withoutQuotedInput(message: string): string {
  return (
    message
      .replace(/,? ?(\.\.\.)?"[\s\S]*$/, '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .trim()
  );
}
