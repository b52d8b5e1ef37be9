/* libFuzzer entry point: parse the input, then use every part of the
 * result, so that AddressSanitizer sees any pointer the parser got wrong. */
#include <stddef.h>
#include <stdint.h>

#include "exercise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd__exercise(data, size);
    return 0;
}
