// PCRE2's 8-bit library (Debian: libpcre2-dev): the width must be chosen before the header is read. Its function names
// are macros (pcre2_compile is pcre2_compile_8), which Swift cannot call, so Swift uses the `_8` names directly.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
