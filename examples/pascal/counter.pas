{ Counts with sharedcounter.dll from Free Pascal. The compiler's own linker
  imports the functions by name: no import library is needed. }
program counter;

function sc_version: LongWord; cdecl; external 'sharedcounter.dll';
function sc_increment: Int64; cdecl; external 'sharedcounter.dll';
function sc_add(delta: Int64): Int64; cdecl; external 'sharedcounter.dll';
function sc_get: Int64; cdecl; external 'sharedcounter.dll';

const
  delta: Int64 = -3;
var
  version: LongWord;
begin
  version := sc_version;
  WriteLn('sc_version: ', version shr 16, '.', (version shr 8) and $FF, '.',
          version and $FF);
  WriteLn('sc_increment: ', sc_increment);
  WriteLn('sc_add(', delta, '): ', sc_add(delta));
  WriteLn('sc_get: ', sc_get);
end.
