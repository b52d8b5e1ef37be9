/* What a reference tool (objdump, readelf) printed, as lines. */
#ifndef SD_TOOL_OUTPUT_H
#define SD_TOOL_OUTPUT_H

#include <stddef.h>

struct sd_tool_output {
    char *text;   /* all of stdout, NUL-terminated; lines split in place */
    char **lines; /* without their '\n' */
    size_t count;
};

/* Runs a shell command and keeps its stdout. Returns 0 with *exit_code
 * set, or -1 when it could not run. */
int sd__tool_capture(struct sd_tool_output *out, const char *command,
                     int *exit_code);

/* Runs "tool options 'path'" (stderr discarded) and keeps its stdout.
 * Returns 0, or -1 when it could not run or exited non-zero. */
int sd__tool_run(struct sd_tool_output *out, const char *tool,
                 const char *options, const char *path);
void sd__tool_free(struct sd_tool_output *out);

/* Index of the first line at or after from that starts with prefix after
 * leading whitespace, or out->count. */
size_t sd__tool_find(const struct sd_tool_output *out, size_t from,
                     const char *prefix);

/* Whether a program is on PATH. */
int sd__tool_exists(const char *tool);

/* Up to max paths of regular files in dir whose names end with suffix (""
 * for any) and whose first bytes are magic, spread evenly over the sorted
 * list so that the sample is the same on every run. Returns the count; free
 * each path and the array. */
size_t sd__sample_files(const char *dir, const char *suffix, const char *magic,
                        size_t max, char ***paths);

#endif /* SD_TOOL_OUTPUT_H */
