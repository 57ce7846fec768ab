import { type CsvValue, csvCell, csvRow } from './csv.util';

describe('csvCell', () => {
  // [what, value, written]
  const cases: [string, CsvValue, string][] = [
    ['plain text', 'plain', 'plain'],
    ['an equals sign inside text', 'a=b', 'a=b'],
    ['a hyphenated name', 'Jean-Luc', 'Jean-Luc'],
    ['an ISO instant', '2026-10-01T12:00:00.000Z', '2026-10-01T12:00:00.000Z'],
    ['a leading =', '=1+1', "'=1+1"],
    ['a leading +', '+1', "'+1"],
    ['a leading - in text', '-5', "'-5"],
    ['a leading @', '@SUM(A1)', "'@SUM(A1)"],
    ['a leading tab', '\tx', `"'\tx"`],
    ['a leading CR', '\rx', `"'\rx"`],
    ['a leading LF', '\nx', `"'\nx"`],
    ['a formula after ;', 'a;=cmd', `"a;'=cmd"`],
    ['a formula after a tab', 'x\t=y', `"x\t'=y"`],
    ['a formula after ; and blanks', 'a; \t@x', `"a; \t'@x"`],
    ['a formula after ,', 'a,+1', `"a,'+1"`],
    ['a formula on a second line', 'a\r\n=1', `"a\r\n'=1"`],
    ['every part of a chain', '=1;=2\t-3', `"'=1;'=2\t'-3"`],
    ['a tab before a formula at the start', '\t=x', `"'\t'=x"`],
    ['a DDE payload after ;', "a;=cmd|' /C calc'!A0", `"a;'=cmd|' /C calc'!A0"`],
    [
      'a formula with quotes and a comma',
      '=HYPERLINK("http://x","Click, me")',
      `"'=HYPERLINK(""http://x"",""Click, me"")"`,
    ],
    ['OWASP example 1', '=1+2";=1+2', `"'=1+2"";'=1+2"`],
    ['OWASP example 2', '=1+2\'" ;,=1+2', `"'=1+2'"" ;,'=1+2"`],
    ['a comma', 'a,b', '"a,b"'],
    ['a semicolon', 'a; b', '"a; b"'],
    ['a tab inside', 'a\tb', '"a\tb"'],
    ['quotes', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'two\nlines', '"two\nlines"'],
    ['a CRLF', 'p\r\nq', '"p\r\nq"'],
    ['a CR', 'cr\rhere', '"cr\rhere"'],
    ['a blank line', 'a\n\nb', '"a\n\nb"'],
    ['an empty string', '', ''],
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['zero', 0, '0'],
    ['a negative number (numeric column)', -5, '-5'],
    ['a fraction', 0.25, '0.25'],
    ['a boolean', true, 'true'],
  ];

  it.each(cases)('writes %s', (_what, value, written) => {
    expect(csvCell(value)).toBe(written);
  });
});

describe('csvRow', () => {
  it('joins cells with commas and ends the record with CRLF', () => {
    expect(csvRow(['a', 1, null, 'b,c', '=x'])).toBe(`a,1,,"b,c",'=x\r\n`);
  });
});
