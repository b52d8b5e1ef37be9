{ Counts with sharedcounter.dll from Free Pascal. The compiler's own linker
  imports the functions by name: no import library is needed. Any argument
  stops it before the first call: --help prints what it does, anything else
  is refused, and neither touches the counter. }
program counter;

function sc_version: LongWord; cdecl; external 'sharedcounter.dll';
function sc_increment: Int64; cdecl; external 'sharedcounter.dll';
function sc_add(delta: Int64): Int64; cdecl; external 'sharedcounter.dll';
function sc_get: Int64; cdecl; external 'sharedcounter.dll';

const
  delta: Int64 = -3;
  usage = 'usage: example_pascal [--help]' + LineEnding +
          'Adds 1, then -3, to the counter of the sharedcounter.dll it loads and' +
          LineEnding + 'prints the version and what each call returned.';
var
  version: LongWord;
begin
  if ParamCount > 0 then
  begin
    if (ParamCount = 1) and (ParamStr(1) = '--help') then
    begin
      WriteLn(usage);
      Halt(0);
    end;
    WriteLn(StdErr, 'example_pascal: unknown argument ''', ParamStr(1), '''');
    WriteLn(StdErr, usage);
    Halt(2);
  end;
  version := sc_version;
  WriteLn('sc_version: ', version shr 16, '.', (version shr 8) and $FF, '.',
          version and $FF);
  WriteLn('sc_increment: ', sc_increment);
  WriteLn('sc_add(', delta, '): ', sc_add(delta));
  WriteLn('sc_get: ', sc_get);
end.
