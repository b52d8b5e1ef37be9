/* What the native suites share: scratch folders with copies of the library,
 * the library's API loaded from one such copy, the shared-memory object a
 * file maps to, and child processes with pipes. */
#ifndef SC_NATIVE_SUPPORT_H
#define SC_NATIVE_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sectiondump.h"
#include "wrapping.h"

/* An image file read whole and parsed with sectiondump's parser. */
struct sc_image_file {
    unsigned char *data;
    size_t size;
    struct sd_image image;
};

/* Reads and parses path; fails the test on error. */
void sc__image_load(const char *path, struct sc_image_file *f);
void sc__image_unload(struct sc_image_file *f);

/* The API, looked up with dlsym in one library file. */
struct sc_api {
    void *handle;
    int64_t (*get)(void);
    int64_t (*increment)(void);
    int64_t (*add)(int64_t delta);
    uint32_t (*processes)(uint32_t *pids, uint32_t capacity);
};

/* dlopen and dlsym; fails the test (or, in a child, exits 3) on error. */
void sc__api_load(struct sc_api *api, const char *library);
void sc__api_unload(struct sc_api *api);

/* A new scratch folder in /tmp; path receives its name. */
void sc__scratch_make(char *path, size_t size);
/* Removes the folder and everything in it. */
void sc__scratch_remove(const char *path);
/* Copies the built library to dir/name; path receives the copy's name. */
void sc__library_copy(const char *dir, const char *name, char *path,
                      size_t size);

/* Copies file to path, executable. */
void sc__file_copy(const char *file, const char *path);

/* "/dev/shm/sharedcounter-..." for the file at path and this user. */
void sc__object_path(const char *path, char *object, size_t size);
int sc__file_exists(const char *path);

/* A child with its stdin and stdout on pipes, stderr in a file. */
struct sc_proc {
    pid_t pid;
    int in;  /* its stdin: write to it, close it (and set -1) for EOF */
    int out; /* its stdout */
    int err; /* its stderr */
    char errors[4096]; /* what it wrote there, once finished */
};

/* Runs argv[0] (a full path) with argv. */
void sc__proc_start(struct sc_proc *proc, char *const argv[]);
/* Runs the program name of the folder dir with the arguments that follow,
 * up to a NULL. */
void sc__proc_start_in(struct sc_proc *proc, const char *dir, const char *name,
                       ...);
/* Reads one line of its output, without the newline. */
void sc__proc_line(struct sc_proc *proc, char *line, size_t size);
/* Closes its stdin, reads the rest of its output into rest (may be NULL),
 * its stderr into proc->errors, and waits: returns the exit status, or
 * 128 + the signal that ended it. */
int sc__proc_finish(struct sc_proc *proc, char *rest, size_t size);

#endif /* SC_NATIVE_SUPPORT_H */
