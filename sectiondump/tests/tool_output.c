/* Runs the reference tools and picks the sample of files they are run on. */
/* popen, lstat and strdup are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tool_output.h"

static char *read_stream(FILE *stream)
{
    size_t capacity = 1 << 16, length = 0;
    char *text = malloc(capacity);
    while (text != NULL) {
        length += fread(text + length, 1, capacity - length - 1, stream);
        if (length < capacity - 1)
            break;
        char *grown = realloc(text, capacity * 2);
        if (grown == NULL)
            free(text);
        text = grown;
        capacity *= 2;
    }
    if (text != NULL)
        text[length] = '\0';
    return text;
}

static int split_lines(struct sd_tool_output *out)
{
    size_t capacity = 1024;
    out->lines = malloc(capacity * sizeof *out->lines);
    out->count = 0;
    for (char *line = out->text; out->lines != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end != NULL)
            *end = '\0';
        if (out->count == capacity) {
            capacity *= 2;
            char **grown = realloc(out->lines, capacity * sizeof *grown);
            if (grown == NULL)
                return -1;
            out->lines = grown;
        }
        out->lines[out->count++] = line;
        line = end != NULL ? end + 1 : line + strlen(line);
    }
    return out->lines != NULL ? 0 : -1;
}

int sd__tool_capture(struct sd_tool_output *out, const char *command,
                     int *exit_code)
{
    memset(out, 0, sizeof *out);
    FILE *pipe = popen(command, "r");
    if (pipe == NULL)
        return -1;
    out->text = read_stream(pipe);
    int status = pclose(pipe);
    if (out->text == NULL || !WIFEXITED(status) || split_lines(out) != 0) {
        sd__tool_free(out);
        return -1;
    }
    *exit_code = WEXITSTATUS(status);
    return 0;
}

int sd__tool_run(struct sd_tool_output *out, const char *tool,
                 const char *options, const char *path)
{
    char command[4096];
    snprintf(command, sizeof command, "%s %s '%s' 2>/dev/null", tool, options,
             path);
    int exit_code;
    if (sd__tool_capture(out, command, &exit_code) != 0)
        return -1;
    if (exit_code != 0) {
        sd__tool_free(out);
        return -1;
    }
    return 0;
}

void sd__tool_free(struct sd_tool_output *out)
{
    free(out->lines);
    free(out->text);
    memset(out, 0, sizeof *out);
}

size_t sd__tool_find(const struct sd_tool_output *out, size_t from,
                     const char *prefix)
{
    for (size_t i = from; i < out->count; i++) {
        const char *line = out->lines[i] + strspn(out->lines[i], " \t");
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            return i;
    }
    return out->count;
}

int sd__tool_exists(const char *tool)
{
    char command[512];
    snprintf(command, sizeof command, "command -v %s >/dev/null 2>&1", tool);
    return system(command) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_candidate(const char *path, const char *magic)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return 0;
    char head[8] = {0};
    size_t n = fread(head, 1, sizeof head, file);
    fclose(file);
    return n >= strlen(magic) && memcmp(head, magic, strlen(magic)) == 0;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcmp(name + n - s, suffix) == 0;
}

size_t sd__sample_files(const char *dir, const char *suffix, const char *magic,
                        size_t max, char ***paths)
{
    size_t count = 0, capacity = 0;
    char **all = NULL;
    DIR *d = opendir(dir);
    struct dirent *entry;
    while (d != NULL && (entry = readdir(d)) != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (!has_suffix(entry->d_name, suffix) || !is_candidate(path, magic))
            continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 256;
            char **grown = realloc(all, capacity * sizeof *grown);
            if (grown == NULL)
                break;
            all = grown;
        }
        all[count++] = strdup(path);
    }
    if (d != NULL)
        closedir(d);
    if (count > 1)
        qsort(all, count, sizeof *all, by_name);
    size_t picked = count < max ? count : max;
    *paths = malloc((picked + 1) * sizeof **paths);
    for (size_t i = 0, slot = 0; i < count; i++) {
        if (*paths != NULL && slot < picked && i == slot * count / picked)
            (*paths)[slot++] = all[i];
        else
            free(all[i]);
    }
    free(all);
    return *paths != NULL ? picked : 0;
}
