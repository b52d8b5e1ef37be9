/* One run of the parser on untrusted bytes, shared by the fuzzer and the
 * test that replays the fuzzer's corpus. */
#ifndef SD_EXERCISE_H
#define SD_EXERCISE_H

#include <stddef.h>
#include <stdint.h>

/* Parses size bytes at data and reads every string and table the parse
 * produced. Returns 0 when the input parsed, -1 when it was rejected. */
int sd__exercise(const uint8_t *data, size_t size);

#endif /* SD_EXERCISE_H */
